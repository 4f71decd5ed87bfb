/** One cell of the fault matrix as the printed table shows it. */
export interface OutcomeRow {
  fn: string;
  fault: string;
  /** What the caller saw: status, code, the use case's verdict. */
  outcome: string;
  /** The last recorded generation's pair is readable; E*TRADE's state of it. */
  kept: string;
  state: string;
  notices: string;
  recovered: string;
}

const COLUMNS: readonly (readonly [keyof OutcomeRow, string])[] = [
  ['fn', 'function'],
  ['fault', 'fault'],
  ['outcome', 'outcome'],
  ['kept', 'token kept'],
  ['state', 'state true'],
  ['notices', 'notices'],
  ['recovered', 'recovered'],
];

/** A plain-text table, one row per cell, columns padded to their widest value. */
export function outcomeTable(rows: readonly OutcomeRow[]): string {
  const cells = [
    COLUMNS.map(([, title]) => title),
    ...rows.map((row) => COLUMNS.map(([key]) => row[key] || '?')),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i])).join(' | ');
  return [
    `Fault matrix: ${rows.length} cells`,
    line(cells[0]),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...cells.slice(1).map(line),
  ].join('\n');
}
