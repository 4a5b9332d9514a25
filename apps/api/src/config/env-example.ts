import { CONFIG_VARIABLES } from './config.schema.js';

/** The text of .env.example: every variable, its default and its meaning, from the schema. */
export function renderEnvExample(): string {
  const header = [
    '# Latchkey configuration. Every variable is optional; the value shown is the default.',
    '# Variables set in the environment win over this file when it is copied to .env.',
    '# Generated from apps/api/src/config/config.schema.ts: npx nx run api:env-example',
    '',
  ];
  const blocks = Object.entries(CONFIG_VARIABLES).map(([name, spec]) => {
    const lines = [`# ${spec.description}`];
    if ('sensitive' in spec && spec.sensitive)
      lines.push('# Secret: keep it out of logs and version control.');
    lines.push('default' in spec ? `${name}=${spec.default}` : `# ${name}=`);
    return lines.join('\n');
  });
  return `${header.join('\n')}\n${blocks.join('\n\n')}\n`;
}
