import fc from 'fast-check';
import { csvField, csvLine } from './export-stream.js';

/** Reads one CSV line back as RFC 4180 says, for the round-trip property. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

describe('CSV export fields', () => {
  it.each([
    ['a formula', '=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['a plus sign first', '+1', "'+1"],
    ['a minus sign first', '-2', "'-2"],
    ['an at sign first', '@SUM(A1)', "'@SUM(A1)"],
    ['a comma', 'a,b', '"a,b"'],
    ['a line break', 'a\nb', '"a\nb"'],
    ['nothing', null, ''],
    ['an object', { kind: 'api_key' }, '"{""kind"":""api_key""}"'],
  ])('writes %s safely', (_case, value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('reads back as written for any text that a spreadsheet would not run', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((text) => !/^[=+\-@\t\r]/.test(text)),
          { minLength: 1 },
        ),
        (values) => {
          const line = csvLine(values);
          expect(line.endsWith('\r\n')).toBe(true);
          expect(parseCsvLine(line.slice(0, -2))).toEqual(values);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
