import { DEFAULT_MASKED_FIELDS, maskPii, type LlmAnswer } from '@exflow/shared';
import { tenantPolicies } from '../auth/tenancy.js';
import type { Config } from '../config/config.js';
import { taskFacts } from '../engine/taskFacts.js';
import { notFound, ProblemError } from '../errors.js';
import { createAiSuggestionRepository } from '../store/aiSuggestionRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import { createCaseRepository } from '../store/caseRepository.js';
import type { Db } from '../store/db.js';
import { createEgressAllowRepository } from '../store/egressAllowRepository.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { egressFetch } from './egress.js';

export type AssistantTask = LlmAnswer['kind'];

const INSTRUCTIONS: Record<AssistantTask, string> = {
  summary:
    'You help accounts-payable analysts. Summarise the exception case below in at most five sentences: what is wrong with the invoice, what has been decided so far, and what is still open. Personal data is masked as [masked], [iban] or [email]; keep it masked. Do not invent facts.',
  'supplier-email-draft':
    'You help accounts-payable analysts. Draft a short, polite e-mail to the supplier about the exception case below, asking for what is needed to resolve it (a credit note, a corrected invoice or an explanation). Address the supplier as "[supplier]" and sign as "[analyst]". Personal data is masked; keep it masked. Do not invent facts or promise payment.',
};

const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 30_000;

/**
 * Case summaries and supplier e-mail drafts from an OpenAI-compatible chat endpoint
 * (`POST {url}/v1/chat/completions`), off unless configured. What is sent is the case's facts
 * with personal data masked by the tenant policy `llmMaskFields` (default
 * `DEFAULT_MASKED_FIELDS`), through the egress policy; the prompt and the answer are audited
 * against the case. The answer is a draft for a person, never acted on.
 */
export function createCaseAssistant(deps: { db: Db; config: Pick<Config, 'llm' | 'egressAllow'> }) {
  const { db, config } = deps;
  return {
    async write(tenantId: string, caseId: string, kind: AssistantTask, actor: string): Promise<LlmAnswer> {
      const llm = config.llm;
      if (!llm) throw new ProblemError('llm-disabled', 'No language model is configured (EXFLOW_LLM_URL is not set)');
      const record = await createCaseRepository(db).get(tenantId, caseId);
      if (!record) throw notFound('case', caseId);
      const invoice = record.invoiceId ? await createInvoiceRepository(db).body(tenantId, record.invoiceId) : null;
      const context = record.snapshot.context as { vars?: Record<string, unknown>; tasks?: Record<string, unknown> };
      const suggestions = await Promise.all(record.activeNodes.map((step) => createAiSuggestionRepository(db).forStep(tenantId, caseId, step)));
      const facts = {
        status: record.status,
        waitingAt: record.activeNodes,
        exception: taskFacts(context),
        invoice,
        decisions: context.tasks ?? {},
        aiSuggestions: suggestions.filter(Boolean).map((s) => ({ step: s!.stepId, outcome: s!.outcome, probability: s!.probability })),
      };
      const policies = (await tenantPolicies(db, tenantId)) as { llmMaskFields?: string[] };
      const { value: masked, masked: maskedFields } = maskPii(facts, policies.llmMaskFields ?? DEFAULT_MASKED_FIELDS);
      const messages = [
        { role: 'system', content: INSTRUCTIONS[kind] },
        { role: 'user', content: JSON.stringify(masked, null, 1) },
      ];
      const allowList = [...config.egressAllow, ...(await createEgressAllowRepository(db).entriesFor(tenantId))];
      let text: string;
      try {
        const response = await egressFetch(`${llm.url.replace(/\/+$/, '')}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
          body: JSON.stringify({ model: llm.model, messages, temperature: 0.2 }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
          allowList,
          maxRedirects: 0,
        });
        if (response.status < 200 || response.status >= 300) {
          response.discard();
          throw new Error(`the endpoint answered ${response.status}`);
        }
        const answer = JSON.parse(await response.text(MAX_ANSWER_BYTES)) as { choices?: { message?: { content?: unknown } }[] };
        const content = answer.choices?.[0]?.message?.content;
        if (typeof content !== 'string' || !content.trim()) throw new Error('the answer has no text (choices[0].message.content)');
        text = content.trim().slice(0, 20_000);
      } catch (e) {
        throw new ProblemError('llm-failed', `The language model gave no ${kind}: ${e instanceof Error ? e.message : String(e)}`);
      }
      await createAuditRepository(db).record(tenantId, {
        caseId,
        actor,
        action: `llm.${kind}`,
        entity: 'case',
        entityId: caseId,
        data: { model: llm.model, prompt: messages, answer: text, maskedFields },
      });
      return { kind, text, model: llm.model, maskedFields: maskedFields.slice(0, 100) };
    },
  };
}
