const START = '<!-- readme-walkthrough:start';
const END = '<!-- readme-walkthrough:end -->';
/** The base URL the README exports; the test points it at its own server. */
export const README_BASE_URL = 'export LATCHKEY=http://localhost:3000';
/** `# -> 401` at the end of a command: the README announces that status. */
const EXPECTED = /#\s*->\s*(\d{3})\s*$/;

/** The README between the walkthrough markers. */
export function walkthroughText(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md has no walkthrough markers');
  return readme.slice(start, end);
}

/** Every ```bash block of the walkthrough, in order. */
export function walkthroughBlocks(readme: string): string[] {
  return [...walkthroughText(readme).matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map(
    (match) => match[1] as string,
  );
}

/**
 * Marks each command the README announces as failing (`… # -> 401`): its curl runs with
 * LK_EXPECT=401. A command spans the lines its trailing backslashes join.
 */
export function announceExpectedStatuses(block: string): string {
  const lines = block.split('\n');
  let first = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\\')) continue;
    const status = EXPECTED.exec(line)?.[1];
    if (status) {
      const at = lines.findIndex((candidate, j) => j >= first && /\bcurl /.test(candidate));
      if (at < 0 || at > i) throw new Error(`"# -> ${status}" on a command without curl: ${line}`);
      lines[at] = (lines[at] as string).replace(/\bcurl /, `LK_EXPECT=${status} curl `);
    }
    first = i + 1;
  }
  return lines.join('\n');
}

/**
 * curl as the walkthrough test runs it: unchanged output, and a failure for any status other
 * than 2xx unless the README announced it (then exactly that status).
 */
const PRELUDE = String.raw`set -euo pipefail
shopt -s inherit_errexit
trap 'echo "README walkthrough failed in block $LK_BLOCK: $BASH_COMMAND" >&2' ERR
curl() {
  local expect="\${LK_EXPECT:-2xx}" errors status rc=0
  errors=$(mktemp)
  command curl -w '%{stderr}@@lk-status=%{http_code}\n' "$@" 2>"$errors" || rc=$?
  status=$(sed -n 's/^@@lk-status=//p' "$errors" | tail -n 1)
  grep -v '^@@lk-status=' "$errors" >&2 || true
  rm -f "$errors"
  if [ "$rc" -ne 0 ]; then echo "curl exited with $rc" >&2; return "$rc"; fi
  if [ "$expect" = 2xx ]; then
    case "$status" in
      2??) ;;
      *) echo "HTTP $status, which the README does not announce" >&2; return 1 ;;
    esac
  elif [ "$status" != "$expect" ]; then
    echo "HTTP $status, where the README announces $expect" >&2
    return 1
  fi
}
`.replace('\\${', '${');

/** One bash script: the prelude, then every block in order, pointed at `baseUrl`. */
export function walkthroughScript(readme: string, baseUrl: string): string {
  const blocks = walkthroughBlocks(readme);
  if (!blocks[0]?.includes(README_BASE_URL))
    throw new Error(`the walkthrough's first block does not start with ${README_BASE_URL}`);
  const body = blocks.map((block, index) => {
    const pointed =
      index === 0 ? block.replace(README_BASE_URL, `export LATCHKEY=${baseUrl}`) : block;
    return `LK_BLOCK=${index + 1}\n${announceExpectedStatuses(pointed)}`;
  });
  return `${PRELUDE}\n${body.join('\n')}\necho "README walkthrough: ${blocks.length} blocks done"\n`;
}
