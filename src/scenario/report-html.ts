import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { formatEther } from 'viem'
import { toJson } from '../shared/to-json.js'
import type { VariantSummary } from './comparison.js'
import type { RunReport } from './run-report.js'

let chartJs: string | undefined

/** Chart.js, inlined so the report opens with no network. */
function chartLibrary(): string {
  // The UMD build is not among the package's exports; find it beside the CommonJS entry.
  chartJs ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8')
  return chartJs
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return toJson(value, 0).replace(/</g, '\\u003c')
}

const deai = (wei: bigint) => Number(formatEther(wei))

/** The chart data, computed from the report so the page only draws. */
function chartData(report: RunReport) {
  const rounds = report.rounds.map((r) => r.round)
  const behaviours = [...new Set(report.participants.filter((p) => p.role === 'trainer' || p.role === 'validator').map((p) => `${p.role} ${p.behaviour}`))]
  const stakeRoles = ['trainer', 'validator', 'aggregator']
  const roleOf = new Map(report.participants.map((p) => [p.id, p.role]))
  return {
    accuracy: { rounds: [0, ...rounds], values: [report.initialAccuracy, ...report.rounds.map((r) => r.accuracy)] },
    participants: {
      labels: report.participants.filter((p) => p.role !== 'proposer').map((p) => `${p.id} (${p.behaviour})`),
      rewards: report.participants.filter((p) => p.role !== 'proposer').map((p) => deai(p.rewards)),
      slashed: report.participants.filter((p) => p.role !== 'proposer').map((p) => -deai(p.slashed)),
    },
    byBehaviour: {
      labels: behaviours,
      rewards: behaviours.map((b) => report.participants.filter((p) => `${p.role} ${p.behaviour}` === b).reduce((s, p) => s + deai(p.rewards), 0)),
      slashed: behaviours.map((b) => report.participants.filter((p) => `${p.role} ${p.behaviour}` === b).reduce((s, p) => s + deai(p.slashed), 0)),
    },
    stake: {
      rounds,
      series: stakeRoles.map((role) => ({
        label: role,
        values: report.rounds.map((r) => Object.entries(r.stake).filter(([id]) => roleOf.get(id) === role).reduce((s, [, v]) => s + deai(v), 0)),
      })),
    },
    metrics: (['stake', 'rewards', 'validationPower'] as const).map((of) => ({
      of,
      rounds,
      series: (['nakamotoOneThird', 'nakamotoOneHalf', 'gini', 'hhi', 'entropy'] as const).map((m) => ({ label: m, values: report.rounds.map((r) => r.metrics[of][m]) })),
    })),
    gas: {
      labels: Object.keys(report.gas),
      perParticipant: Object.values(report.gas).map((g) => Number(g.perParticipantPerRound)),
      perRound: Object.values(report.gas).map((g) => Number(g.perRound)),
    },
    attacks: {
      labels: report.attacks.map((a) => `${a.role} ${a.behaviour}`),
      attempted: report.attacks.map((a) => a.attempted),
      defeated: report.attacks.map((a) => a.defeated),
    },
  }
}

const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('chart-data').textContent);
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];
const common = { animation: false, responsive: true, maintainAspectRatio: false };
function chart(id, config) { new Chart(document.getElementById(id), { ...config, options: { ...common, ...(config.options || {}) } }); }
chart('accuracy', { type: 'line', data: { labels: data.accuracy.rounds, datasets: [{ label: 'test accuracy', data: data.accuracy.values, borderColor: palette[0] }] }, options: { scales: { y: { min: 0, max: 1 } } } });
chart('rewards', { type: 'bar', data: { labels: data.byBehaviour.labels, datasets: [{ label: 'rewards (DEAI)', data: data.byBehaviour.rewards, backgroundColor: palette[2] }, { label: 'slashed (DEAI)', data: data.byBehaviour.slashed, backgroundColor: palette[1] }] } });
chart('participants', { type: 'bar', data: { labels: data.participants.labels, datasets: [{ label: 'rewards', data: data.participants.rewards, backgroundColor: palette[2] }, { label: 'slashed', data: data.participants.slashed, backgroundColor: palette[1] }] }, options: { scales: { x: { stacked: true }, y: { stacked: true } } } });
chart('stake', { type: 'line', data: { labels: data.stake.rounds, datasets: data.stake.series.map((s, i) => ({ label: s.label, data: s.values, borderColor: palette[i] })) } });
data.metrics.forEach((m) => chart('metrics-' + m.of, { type: 'line', data: { labels: m.rounds, datasets: m.series.map((s, i) => ({ label: s.label, data: s.values, borderColor: palette[i], yAxisID: s.label.startsWith('nakamoto') ? 'count' : 'share' })) }, options: { scales: { share: { position: 'left', min: 0, max: 1 }, count: { position: 'right', beginAtZero: true, ticks: { precision: 0 } } } } }));
chart('gas', { type: 'bar', data: { labels: data.gas.labels, datasets: [{ label: 'gas per participant per round', data: data.gas.perParticipant, backgroundColor: palette[3] }, { label: 'gas per round (all)', data: data.gas.perRound, backgroundColor: palette[5] }] } });
chart('attacks', { type: 'bar', data: { labels: data.attacks.labels, datasets: [{ label: 'attempted', data: data.attacks.attempted, backgroundColor: palette[6] }, { label: 'defeated', data: data.attacks.defeated, backgroundColor: palette[0] }] } });
document.body.dataset.chartsDrawn = String(Chart.instances ? Object.keys(Chart.instances).length : 0);
`

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1.2rem; }
.chart { position: relative; height: 300px; } .chart.tall { height: 380px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; } td, th { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
code { font-size: 12px; } .muted { color: #666; } .kpi { display: flex; gap: 2rem; flex-wrap: wrap; } .kpi div { font-size: 1.6rem; font-weight: 600; } .kpi span { display: block; font-size: 0.8rem; color: #666; font-weight: 400; }
details { margin-top: 1rem; }
`

/** Renders a side-by-side comparison of variants as one self-contained HTML page. */
export function renderComparisonHtml(title: string, variants: readonly VariantSummary[]): string {
  const rows = variants.map((v) => `<tr><td><a href="${escapeHtml(v.report.split('/').pop() ?? '')}">${escapeHtml(v.variant)}</a></td><td>${v.aggregation}</td><td>${v.consensus}</td><td>${v.aggregateOver}</td><td>${v.finalAccuracy.toFixed(4)}</td><td>${v.attacksCaught} / ${v.attacksAttempted}</td><td>${(v.adversaryRewardShare * 100).toFixed(2)}%</td><td>${v.adversariesSlashed.toFixed(2)}</td><td>${v.honestSlashed.toFixed(2)}</td></tr>`).join('')
  const data = { labels: variants.map((v) => v.variant), final: variants.map((v) => v.finalAccuracy), curves: variants.map((v) => v.accuracy) }
  const script = `
const data = JSON.parse(document.getElementById('chart-data').textContent);
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
const common = { animation: false, responsive: true, maintainAspectRatio: false };
new Chart(document.getElementById('final'), { type: 'bar', data: { labels: data.labels, datasets: [{ label: 'final test accuracy', data: data.final, backgroundColor: palette[0] }] }, options: { ...common, scales: { y: { min: 0, max: 1 } } } });
new Chart(document.getElementById('curves'), { type: 'line', data: { labels: data.curves[0].map((_, i) => i + 1), datasets: data.curves.map((c, i) => ({ label: data.labels[i], data: c, borderColor: palette[i % palette.length] })) }, options: { ...common, scales: { y: { min: 0, max: 1 } } } });
document.body.dataset.chartsDrawn = String(Object.keys(Chart.instances).length);
`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="muted">The same participants, data and seed under each variant's mechanisms. Each variant's full report is linked.</p>
<table><thead><tr><th>variant</th><th>aggregation</th><th>consensus</th><th>aggregates</th><th>final accuracy</th><th>attacks defeated</th><th>adversaries' reward share</th><th>adversaries slashed (DEAI)</th><th>honest slashed (DEAI)</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Final accuracy</h2><div class="chart"><canvas id="final"></canvas></div>
<h2>Accuracy per round</h2><div class="chart"><canvas id="curves"></canvas></div>
<script id="chart-data" type="application/json">${scriptJson(data)}</script>
<script>${chartLibrary()}</script>
<script>${script}</script>
</body></html>
`
}

/**
 * Renders the run report as one self-contained HTML page (Chart.js inlined, no network):
 * accuracy, rewards and slashes by behaviour and participant, stake over time, decentralization
 * per round, gas per role, attacks attempted and defeated, each adversary's net gain, and the on-chain audit trail.
 */
export function renderReportHtml(report: RunReport): string {
  const s = report.scenario
  const title = `deai run: ${s.name ?? `${s.task.model} on ${s.task.dataset}`}`
  const defeated = report.attacks.reduce((n, a) => n + a.defeated, 0)
  const attempted = report.attacks.reduce((n, a) => n + a.attempted, 0)
  const participants = report.participants
    .map((p) => `<tr><td>${escapeHtml(p.id)}</td><td>${p.role}</td><td>${escapeHtml(p.behaviour)}</td><td><code>${p.address}</code></td><td>${deai(p.rewards).toFixed(4)}</td><td>${deai(p.slashed).toFixed(4)}</td><td>${deai(p.net).toFixed(4)}</td></tr>`)
    .join('')
  const attacks = report.attacks
    .map((a) => `<tr><td>${a.role}</td><td>${escapeHtml(a.behaviour)}</td><td>${a.participants}</td><td>${a.attempted}</td><td>${a.defeated}</td><td>${deai(a.net).toFixed(4)}</td><td>${(a.rewardShare * 100).toFixed(2)}%</td><td>${a.notes.map(escapeHtml).join('<br>')}</td></tr>`)
    .join('')
  const audit = report.auditTrail
    .map((e) => `<tr><td>${e.block}</td><td><code>${e.transaction}</code></td><td>${escapeHtml(e.contract)}</td><td>${escapeHtml(e.event)}</td><td><code>${escapeHtml(toJson(e.args, 0))}</code></td></tr>`)
    .join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">seed ${s.seed}, ${s.task.model} on ${s.task.dataset} (${s.task.partition.kind}), ${s.task.rounds} rounds, aggregation ${s.mechanisms.aggregation.rule}, consensus ${s.mechanisms.consensus.rule};
task ${report.task.id} (spec <code>${report.task.specCid}</code>), training contract <code>${report.task.trainingContract}</code>, chain ${report.chain.chainId}</p>
<div class="kpi">
<div>${report.final.accuracy.toFixed(4)}<span>final test accuracy</span></div>
<div>${report.initialAccuracy.toFixed(4)}<span>initial accuracy</span></div>
<div>${defeated} / ${attempted}<span>attacks defeated</span></div>
<div>${report.participants.length}<span>participants</span></div>
</div>
<h2>Lifecycle</h2>
<table><thead><tr><th>stage</th><th>form</th><th>what ran</th></tr></thead><tbody>${report.stages.map((st) => `<tr><td>${escapeHtml(st.stage)}</td><td>${st.form === 'full' ? 'full' : '<b>simplest honest form</b>'}</td><td>${escapeHtml(st.detail)}</td></tr>`).join('')}</tbody></table>
<p>Data: ${report.data.shards.length} shards registered by CID. Model record: <code>${report.model.cid}</code> (round ${report.model.finalRound}), lineage <code>${report.model.lineageCid}</code>, root <code>${report.model.lineageRoot}</code>, ${report.model.verified ? 'verified against the chain' : '<b>does not match the chain</b>'}.
Inference: ${report.inference.answered} of ${report.inference.requests} requests answered from the published model, ${report.inference.correct} correct.</p>
<h2>Accuracy per round</h2><div class="chart"><canvas id="accuracy"></canvas></div>
<h2>Rewards and slashes</h2>
<div class="grid"><div class="chart"><canvas id="rewards"></canvas></div><div class="chart tall"><canvas id="participants"></canvas></div></div>
<h2>Stake over time</h2><div class="chart"><canvas id="stake"></canvas></div>
<h2>Decentralization per round</h2>
<div class="grid"><div><h3>stake</h3><div class="chart"><canvas id="metrics-stake"></canvas></div></div><div><h3>rewards</h3><div class="chart"><canvas id="metrics-rewards"></canvas></div></div><div><h3>validation power</h3><div class="chart"><canvas id="metrics-validationPower"></canvas></div></div></div>
<h2>Gas per role</h2><div class="chart"><canvas id="gas"></canvas></div>
<h2>Attacks attempted and defeated</h2><div class="chart"><canvas id="attacks"></canvas></div>
<table><thead><tr><th>role</th><th>behaviour</th><th>participants</th><th>attempted</th><th>defeated</th><th>net gain (DEAI)</th><th>reward share</th><th>what happened</th></tr></thead><tbody>${attacks}</tbody></table>
<h2>Participants</h2>
<table><thead><tr><th>id</th><th>role</th><th>behaviour</th><th>owner</th><th>rewards (DEAI)</th><th>slashed (DEAI)</th><th>net (DEAI)</th></tr></thead><tbody>${participants}</tbody></table>
<h2>Audit trail</h2>
<p class="muted">${report.auditTrail.length} events from the protocol's contracts, in chain order. <code>deai audit</code> recomputes the figures above from these and the content they name.</p>
<details><summary>show every event</summary>
<table><thead><tr><th>block</th><th>transaction</th><th>contract</th><th>event</th><th>arguments</th></tr></thead><tbody>${audit}</tbody></table></details>
<script id="chart-data" type="application/json">${scriptJson(chartData(report))}</script>
<script>${chartLibrary()}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`
}
