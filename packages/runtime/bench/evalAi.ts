/**
 * AI evaluation (not a test; docs/ai.md, "Evaluation"): makes a labelled corpus through the
 * real engine (bench/aiCorpus.ts), trains the demo tenant's models on the invoices issued
 * before the time split, and scores every later decision and invoice through the suggestion
 * provider, as the runtime would. Prints recommender accuracy and coverage by confidence
 * threshold, macro-F1, expected calibration error, and anomaly precision and recall.
 * Run: `npx -y pnpm@10.34.8 eval:ai` (AI_EVAL_DAYS of invoicing, default 730; AI_EVAL_SEED;
 * on the PostgreSQL of DATABASE_URL in a throw-away schema when it is set, about two minutes,
 * else PGlite in memory, slower; AI_EVAL_DATABASE=pglite|postgres chooses).
 */
import { expectedCalibrationError, macroF1, reliabilityCurve } from '@exflow/shared';
import { ANOMALY_THRESHOLD, trainTenant } from '../src/ai/training.js';
import type { Role } from '../src/auth/roles.js';
import { DEMO_TENANT } from '../src/demo/seed.js';
import { startTestServer } from '../test/support/testServer.js';
import { generateCorpus } from './aiCorpus.js';

const DAYS = Number(process.env.AI_EVAL_DAYS ?? 730);
const SEED = Number(process.env.AI_EVAL_SEED ?? 16);
/** The confidence threshold docs/ai.md recommends: calibrated, a suggestion at 0.9 is right nine times in ten. */
const CHOSEN_THRESHOLD = 0.9;
const TRAIN_SHARE = 0.7;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main() {
  const began = Date.now();
  const database = (process.env.AI_EVAL_DATABASE ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')) === 'postgres' ? 'postgres' : 'pglite';
  const server = await startTestServer({ database, pollMs: 20 });
  try {
    const principal = (userId: string, roles: Role[]) => ({ userId, tenantId: DEMO_TENANT, email: `${userId}@demo.exflow`, name: userId, roles });
    const corpusStart = Date.now();
    const { invoices, decisions } = await generateCorpus({
      db: server.db,
      engine: server.engine,
      tenantId: DEMO_TENANT,
      sender: principal('u-integration', ['integration']),
      days: DAYS,
      seed: SEED,
      progress: (m) => console.error(m),
    });
    const corpusTime = seconds(corpusStart);

    // the time split: train on what was issued up to the cut, judge on everything after it
    const ordered = [...decisions].sort((a, b) => a.issueDate.localeCompare(b.issueDate));
    const cut = ordered[Math.floor(ordered.length * TRAIN_SHARE)]!.issueDate;
    const trainStart = Date.now();
    const trained = await trainTenant(server.db, DEMO_TENANT, { until: cut });
    const trainTime = seconds(trainStart);
    const test = ordered.filter((d) => d.issueDate > cut);

    const scored: { truth: string; predicted: string; p: number; step: string }[] = [];
    for (const d of test) {
      const s = await server.suggestionProvider.suggest({ tenantId: DEMO_TENANT, caseId: d.caseId, stepId: d.stepId, outcomes: d.outcomes });
      if (s) scored.push({ truth: d.outcome, predicted: s.outcome, p: s.probability, step: d.stepId });
    }
    const right = scored.map((s) => s.truth === s.predicted);
    const probabilities = scored.map((s) => s.p);
    const at = (t: number) => {
      const covered = scored.filter((s) => s.p >= t);
      return {
        threshold: t,
        coverage: covered.length / Math.max(1, scored.length),
        accuracy: covered.filter((s) => s.truth === s.predicted).length / Math.max(1, covered.length),
        n: covered.length,
      };
    };
    const thresholds = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map(at);
    const chosen = at(CHOSEN_THRESHOLD);

    const laterInvoices = invoices.filter((i) => i.issueDate > cut);
    let tp = 0,
      fp = 0,
      fn = 0,
      unscored = 0;
    const byType = new Map<string, { n: number; found: number }>();
    for (const inv of laterInvoices) {
      const a = await server.suggestionProvider.anomaly({ tenantId: DEMO_TENANT, invoiceId: inv.invoiceId });
      if (!a) unscored++;
      const flagged = (a?.score ?? 0) >= ANOMALY_THRESHOLD;
      if (inv.anomaly) {
        const t = byType.get(inv.anomaly) ?? { n: 0, found: 0 };
        t.n++;
        if (flagged) t.found++;
        byType.set(inv.anomaly, t);
      }
      if (flagged && inv.anomaly) tp++;
      else if (flagged) fp++;
      else if (inv.anomaly) fn++;
    }
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);

    const stepCounts = Object.entries(
      decisions.reduce<Record<string, number>>((acc, d) => ((acc[`${d.flow}/${d.stepId}`] = (acc[`${d.flow}/${d.stepId}`] ?? 0) + 1), acc), {}),
    ).map(([k, v]) => `${k} ${v}`);
    const noisy = decisions.filter((d) => d.outcome !== d.policyOutcome).length;
    console.log(`\n## AI evaluation (${server.database}, seed ${SEED}, ${DAYS} days)\n`);
    console.log(
      `Corpus: ${invoices.length} invoices (${invoices.filter((i) => i.anomaly).length} with an injected anomaly), ${decisions.length} decided tasks (${stepCounts.join(', ')}; ${noisy} against the analysts' own policy), made in ${corpusTime}`,
    );
    console.log(
      `Time split: trained on invoices issued up to ${cut} (${ordered.length - test.length} decisions; recommender v${trained.recommender?.version ?? '-'} with steps ${Object.keys((trained.recommender?.metrics as { steps?: object } | undefined)?.steps ?? {}).join(', ')}), trained in ${trainTime}; held out: ${test.length} decisions, ${laterInvoices.length} invoices after ${cut}\n`,
    );
    console.log('| confidence threshold | coverage | accuracy | suggestions |');
    console.log('|---|---|---|---|');
    for (const t of thresholds)
      console.log(`| ${t.threshold === CHOSEN_THRESHOLD ? `**${t.threshold}** (chosen)` : t.threshold} | ${pct(t.coverage)} | ${pct(t.accuracy)} | ${t.n} |`);
    console.log('');
    console.log('| measure (held-out split) | value |');
    console.log('|---|---|');
    console.log(`| recommender accuracy at ${CHOSEN_THRESHOLD} (coverage) | ${pct(chosen.accuracy)} (${pct(chosen.coverage)}) |`);
    console.log(`| recommender accuracy, all suggestions | ${pct(right.filter(Boolean).length / Math.max(1, right.length))} |`);
    console.log(
      `| macro-F1, all suggestions | ${macroF1(
        scored.map((s) => s.truth),
        scored.map((s) => s.predicted),
      ).toFixed(3)} |`,
    );
    console.log(`| expected calibration error (10 bins) | ${expectedCalibrationError(probabilities, right).toFixed(3)} |`);
    console.log(`| cases without a suggestion | ${test.length - scored.length} |`);
    console.log(`| anomaly precision at ${ANOMALY_THRESHOLD} | ${pct(precision)} (${tp} of ${tp + fp} flagged) |`);
    console.log(`| anomaly recall at ${ANOMALY_THRESHOLD} | ${pct(recall)} (${tp} of ${tp + fn} injected) |`);
    console.log(`| anomaly recall by kind | ${[...byType].map(([k, v]) => `${k} ${v.found}/${v.n}`).join(', ')} |`);
    console.log(`| invoices not scored (supplier history < 3) | ${unscored} |`);
    console.log('\nReliability on the held-out split (calibrated probability → observed accuracy):');
    for (const b of reliabilityCurve(probabilities, right))
      if (b.count) console.log(`  ${b.from.toFixed(1)}–${b.to.toFixed(1)}: said ${b.predicted!.toFixed(3)}, right ${b.observed!.toFixed(3)} (${b.count})`);
    console.log(`\nTotal ${seconds(began)}`);
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
