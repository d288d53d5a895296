/**
 * The Pareto chart of the backlog (20/80 principle): prioritized requirements as bars by score in
 * rank order, the cumulative share of the total score as a line, and the vital-few cut after the
 * top ceil(20%). Drawn with Observable Plot, which only the backlog page loads.
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber, useT } from '../i18n.js';
import type { BacklogItem } from './model.js';
import { paretoBars, vitalFewCut, type ParetoBar } from './pareto-data.js';

const MAX_SCORE = 15;

export const ParetoChart = ({ items, selected, onSelect }: { items: readonly BacklogItem[]; selected?: string | undefined; onSelect: (id: string) => void }) => {
  const { t, language } = useT('pm');
  const host = useRef<HTMLDivElement>(null);
  const bars = paretoBars(items);
  const cut = vitalFewCut(bars.length);
  // Drawn for the width it has: a phone turned, a window resized, gets a chart of its own size.
  const [hostWidth, setHostWidth] = useState(0);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setHostWidth(Math.round(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [bars.length === 0]);
  useEffect(() => {
    const element = host.current;
    if (!element || bars.length === 0) return;
    // The observer reports after layout; until then the element's own width stands in.
    const width = Math.max(280, hostWidth || element.clientWidth);
    const chart = Plot.plot({
      width,
      height: 260,
      marginRight: 52,
      marginLeft: 44,
      style: { fontSize: '12px', background: 'transparent' },
      x: { domain: [0.5, bars.length + 0.5], label: t('pareto.rank'), ticks: bars.length <= 20 ? bars.map((b) => b.rank) : undefined, tickFormat: (v: number) => formatNumber(v) },
      y: { domain: [0, MAX_SCORE], label: t('pareto.score'), grid: true },
      marks: [
        Plot.rectY(bars, {
          x1: (b: ParetoBar) => b.rank - 0.4,
          x2: (b: ParetoBar) => b.rank + 0.4,
          y: 'score',
          fill: (b: ParetoBar) => (b.tier === 'vital-few' ? '#0b5cad' : '#8aa9c9'),
          stroke: (b: ParetoBar) => (b.id === selected ? '#1b1f24' : 'none'),
          strokeWidth: 2,
          title: (b: ParetoBar) => `${b.rank}. ${b.title} · ${t('pareto.score')} ${b.score}`,
        }),
        Plot.lineY(bars, { x: 'rank', y: (b: ParetoBar) => b.share * MAX_SCORE, stroke: '#b42318', strokeWidth: 2, marker: 'circle' }),
        Plot.axisY({ anchor: 'left', label: t('pareto.score') }),
        Plot.axisY([0, 0.25, 0.5, 0.75, 1].map((s) => s * MAX_SCORE), {
          anchor: 'right',
          label: t('pareto.cumulative'),
          tickFormat: (v: number) => formatNumber(v / MAX_SCORE, { style: 'percent' }),
        }),
        ...(cut > 0 && cut < bars.length
          ? [
              Plot.ruleX([cut + 0.5], { stroke: '#9a6700', strokeDasharray: '4 3', strokeWidth: 2 }),
              Plot.text([cut + 0.5], { x: (v: number) => v, frameAnchor: 'top', dx: 4, dy: 4, textAnchor: 'start', text: () => t('pareto.cut'), fill: '#7d4e00' }),
            ]
          : []),
      ],
    });
    chart.setAttribute('aria-hidden', 'true');
    // A bar selects its requirement, as the table's rows do (the table is the keyboard way).
    chart.querySelectorAll('rect').forEach((rect) => {
      const index = (rect as unknown as { __data__?: number }).__data__;
      const bar = typeof index === 'number' ? bars[index] : undefined;
      if (!bar) return;
      rect.style.cursor = 'pointer';
      rect.addEventListener('click', () => onSelect(bar.id));
    });
    element.replaceChildren(chart);
    return () => chart.remove();
  }, [items, selected, language, hostWidth]);
  const vitalShare = bars[cut - 1]?.share ?? 0;
  return (
    <figure class="pareto panel">
      <figcaption>
        <strong>{t('pareto.title')}</strong>
        <span class="legend">
          <span class="swatch vital" /> {t('common:tier.vital-few')} <span class="swatch trivial" /> {t('common:tier.trivial-many')}
          <span class="swatch line" /> {t('pareto.cumulative')}
        </span>
      </figcaption>
      {bars.length === 0 ? (
        <p class="empty">{t('pareto.empty')}</p>
      ) : (
        <>
          <div ref={host} class="pareto-plot" />
          <p class="hint">{t('pareto.describe', { count: bars.length, cut, share: formatNumber(vitalShare, { style: 'percent' }) })}</p>
        </>
      )}
    </figure>
  );
};
