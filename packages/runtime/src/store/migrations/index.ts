import type { Knex } from 'knex';
import * as core from './001_core.js';
import * as finance from './002_finance.js';
import * as workspace from './003_workspace.js';
import * as trust from './004_trust.js';
import * as realtime from './005_realtime.js';
import * as auditOrder from './006_audit_order.js';
import * as auditSequence from './007_audit_sequence.js';
import * as auditAnchor from './008_audit_anchor.js';
import * as incidents from './009_incidents.js';
import * as userDisabled from './010_user_disabled.js';
import * as egressAllow from './011_egress_allow.js';
import * as triage from './012_triage.js';
import * as routingInheritance from './013_routing_inheritance.js';
import * as auditShards from './014_audit_shards.js';
import * as integration from './015_integration.js';
import * as aiModels from './016_ai_models.js';
import * as aiSuggestions from './017_ai_suggestions.js';
import * as caseMigrations from './018_case_migrations.js';
import * as credentials from './019_credentials.js';
import * as insightRollups from './020_insight_rollups.js';
import * as aiDrift from './021_ai_drift.js';
import * as notifications from './022_notifications.js';
import * as claimsAndCaseEffects from './023_claims_and_case_effects.js';
import * as templateInheritance from './024_template_inheritance.js';
import * as templateFanouts from './025_template_fanouts.js';
import * as rowChangeNotify from './027_row_change_notify.js';
import * as failedEffectsIndex from './028_failed_effects_index.js';
import * as timersDueKeyset from './029_timers_due_keyset.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Listed in code (not read from a folder) so they run the same under tsx, vitest and a bundle.
const migrations: [string, Migration][] = [
  ['001_core', core],
  ['002_finance', finance],
  ['003_workspace', workspace],
  ['004_trust', trust],
  ['005_realtime', realtime],
  ['006_audit_order', auditOrder],
  ['007_audit_sequence', auditSequence],
  ['008_audit_anchor', auditAnchor],
  ['009_incidents', incidents],
  ['010_user_disabled', userDisabled],
  ['011_egress_allow', egressAllow],
  ['012_triage', triage],
  ['013_routing_inheritance', routingInheritance],
  ['014_audit_shards', auditShards],
  ['015_integration', integration],
  ['016_ai_models', aiModels],
  ['017_ai_suggestions', aiSuggestions],
  ['018_case_migrations', caseMigrations],
  ['019_credentials', credentials],
  ['020_insight_rollups', insightRollups],
  ['021_ai_drift', aiDrift],
  ['022_notifications', notifications],
  ['023_claims_and_case_effects', claimsAndCaseEffects],
  ['024_template_inheritance', templateInheritance],
  ['025_template_fanouts', templateFanouts],
  ['027_row_change_notify', rowChangeNotify],
  ['028_failed_effects_index', failedEffectsIndex],
  ['029_timers_due_keyset', timersDueKeyset],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
