/** Figures, targets and the table `npm run bench` prints. */

export type Target = { op: '>=' | '<='; value: number };
export type Figure = { name: string; value: number; unit: string; digits?: number; target?: Target };
export type Benchmark = { name: string; run(): Promise<Figure[]> };

export function meets(figure: Figure): boolean | null {
  if (!figure.target) return null;
  return figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value <= figure.target.value;
}

const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const digits = f.digits ?? (Math.abs(f.value) >= 100 ? 0 : 2);
    const ok = meets(f);
    return [
      f.name,
      `${fmt(f.value, digits)} ${f.unit}`.trim(),
      f.target ? `${f.target.op} ${fmt(f.target.value, digits)} ${f.unit}`.trim() : '',
      ok === null ? '' : ok ? 'ok' : 'MISSED',
    ];
  });
  const head = ['figure', 'measured', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
