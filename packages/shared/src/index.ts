export type { FlowEdge, FlowNode, Position, ValidationProblem, WorkflowDefinition } from './definition/types.js';
export { definitionSchema } from './definition/schema.js';
export { validate, outgoing, type ValidationResult, type ValidateOptions } from './definition/validate.js';
export { checkSegregation, isMaker, APPROVING_OUTCOMES, MAKER_OUTCOME_PREFIXES, SUBMITTER_ROLES, WORKER_ROLES, type SodPolicy } from './definition/sodRules.js';
export { createAjv, describeAjvError } from './definition/ajv.js';
export { effectiveFlow, mergePatch, overrideDiff, type OverrideOutcome, type TemplateOverrides } from './definition/inheritance.js';
export { nodeCatalogue, getNodeKind } from './nodes/catalogue.js';
export { defineNodeKind, type NodeKind, type PortSpec, type JsonSchema, type NodeGroup, type CompileContext } from './nodes/defineNodeKind.js';
export type { KindAction, KindBehaviour, KindGuard } from './nodes/behaviour.js';
export type { HumanTaskConfig, TaskOutcome } from './nodes/humanTask.js';
export type { DecisionConfig, DecisionBranch } from './nodes/decision.js';
export type { DecisionTableConfig, HitPolicy } from './nodes/decisionTable.js';
export type { ServiceConfig } from './nodes/service.js';
export { messageTimeoutId, type WaitForMessageConfig } from './nodes/waitForMessage.js';
export { SUBFLOW_COMPLETED, SUBFLOW_SERVICE, type SubFlowConfig } from './nodes/subFlow.js';
export { compile, CANCELLED_STATE, FAILED_STATE, type CompiledFlow, type CompileOptions, type CompileResult, type CaseOutcome } from './compile/compile.js';
export { findParallelRegions } from './compile/regions.js';
export { createFlowMachine, EFFECT_ACTIONS, type EffectActionType } from './machine/createFlowMachine.js';
export { feelContext, initialCaseContext, type CaseContext, type CaseEvent, type CaseInput } from './machine/context.js';
export { activeNodeIds } from './machine/activeNodes.js';
export { flowInitialTransition, flowTransition, type FlowStep } from './machine/transitions.js';
export { checkFeelExpression, checkFeelUnaryTests, evaluateFeel, feelCondition, type FeelSyntaxError } from './feel/feel.js';
export { decide, type DecisionTableResult, type DecisionTableSpec } from './feel/decisionTable.js';
export { durationToMs } from './time/duration.js';
export { addBusinessDuration, isKnownTimeZone, slaDueAt, type BusinessCalendar } from './time/businessCalendar.js';
export { DEFAULT_RETRY_POLICY, nextRetry, retryPolicySchema, type RetryPolicy, type RetryDecision, type FailedAttempt } from './retry/retryPolicy.js';
export {
  parseInvoice,
  invoiceForFeel,
  invoiceSchema,
  type Invoice,
  type InvoiceLine,
  type InvoiceParty,
  type SourceChannel,
  type DecimalString,
} from './invoice/invoice.js';
export { threeWayMatch, type MatchPurchaseOrder, type MatchTolerances, type MatchResult, type MatchedLine } from './checks/threeWayMatch.js';
export { largestValueAtRisk, EXCEPTION_KINDS, type Finding, type ExceptionKind, type Severity } from './checks/finding.js';
export {
  triage,
  triageParams,
  resolveCheckParams,
  effectiveTaxRates,
  rankFindings,
  CHECK_POLICY_KEYS,
  TRIAGE_DEFAULTS,
  type CheckName,
  type TriageParams,
  type TriageReference,
  type TriageFinding,
  type TriageResult,
} from './checks/triage.js';
export {
  chooseIntakeRoute,
  checkRoutingTable,
  routingTableSchema,
  type RoutingRule,
  type RoutingTable,
  type CandidateFlow,
  type IntakeRoute,
  type TriageOutcome,
} from './checks/routing.js';
export type { TaxSubtotal, InvoiceAllowanceCharge } from './invoice/invoice.js';
export type { IntakeResult, IntakeProblem, IntakeProblemCode } from './invoice/intake.js';
export { parseUblInvoice, type UblIntakeOptions } from './invoice/ubl.js';
export { parseCiiInvoice, CII_NAMESPACE, type CiiIntakeOptions } from './invoice/cii.js';
export { parseX12Invoice, type X12IntakeOptions } from './invoice/x12.js';
export { parseEdifactInvoice, type EdifactIntakeOptions } from './invoice/edifact.js';
export {
  readInvoiceEmail,
  DEFAULT_MAX_EMAIL_BYTES,
  type EmailAttachment,
  type EmailIntakeOptions,
  type EmailIntakeResult,
  type InvoiceEmail,
} from './invoice/email.js';
export type { PdfEmbeddedFile } from './invoice/pdfInvoice.js';
export {
  parseInvoiceCsv,
  INVOICE_CSV_COLUMNS,
  type InvoiceCsvColumn,
  type CsvIntakeResult,
  type CsvIntakeError,
  type CsvIntakeOptions,
  type CsvErrorCode,
} from './invoice/csv.js';
export {
  duplicateCheck,
  normaliseInvoiceNumber,
  sameSupplier,
  type EarlierInvoice,
  type DuplicateParams,
  type DuplicateMatch,
  type DuplicateResult,
} from './checks/duplicateCheck.js';
export { taxCheck, type TaxRate, type TaxCheckParams, type TaxCheckContext, type TaxCheckResult, type TaxedLine } from './checks/taxCheck.js';
export { supplierCheck, type SupplierMaster, type BankAccountChange, type SupplierCheckParams, type SupplierCheckResult } from './checks/supplierCheck.js';
export { missingPoCheck, type PoHeader, type MissingPoParams, type MissingPoReason, type MissingPoResult } from './checks/missingPoCheck.js';
export { minorUnits } from './checks/money.js';
export { routeTaken, type RecordedCaseEvent } from './machine/route.js';
export {
  replayCases,
  runRecorded,
  type ReplayCase,
  type ReplayFlow,
  type ReplayRun,
  type ReplayTask,
  type ReplayPathCount,
  type ReplayCaseResult,
  type ReplayReport,
} from './machine/replay.js';
export {
  parseSuppliersCsv,
  parsePurchaseOrdersCsv,
  parseGoodsReceiptsCsv,
  type SupplierRecord,
  type PurchaseOrderRecord,
  type GoodsReceiptRecord,
  type CsvRecord,
  type ReferenceCsvResult,
} from './reference/referenceCsv.js';
export { createCaseFeed, type CaseFeed, type FeedResult } from './events/caseFeed.js';
export {
  taskViewSchema,
  taskListSchema,
  teamListSchema,
  assignmentOptionsSchema,
  type AssignmentOptions,
  inboxTaskSchema,
  inboxPageSchema,
  inboxSummarySchema,
  teamMemberSchema,
  taskCompletedSchema,
  taskAwaitingSecondApprovalSchema,
  bulkChangedSchema,
  type TaskView,
  type InboxTask,
  type InboxPage,
  type InboxSummary,
  type Facet,
  type InboxFilters,
  type TeamMember,
} from './api/workspace.js';
export {
  CASE_STATUSES,
  caseSummarySchema,
  caseListSchema,
  caseEventListSchema,
  incidentListSchema,
  caseDetailSchema,
  caseEventViewSchema,
  effectViewSchema,
  timerViewSchema,
  eventAcceptedSchema,
  incidentViewSchema,
  type CaseStatus,
  type CaseSummary,
  type CaseDetail,
  type CaseContextView,
  type CaseEventView,
  type EffectView,
  type TimerView,
  type EventAccepted,
  type IncidentView,
} from './api/cases.js';
export {
  definitionSummarySchema,
  definitionListSchema,
  definitionViewSchema,
  versionSummarySchema,
  versionRecordSchema,
  versionListSchema,
  validationAnswerSchema,
  bpmnImportResponseSchema,
  replayAnswerSchema,
  type ReplayAnswer,
  type BpmnImportResponse,
  type DefinitionSummary,
  type DefinitionView,
  type VersionSummary,
  type VersionRecord,
} from './api/definitions.js';
export {
  CREDENTIAL_TYPES,
  connectorListSchema,
  connectorSettingsSchema,
  credentialInfoSchema,
  credentialListSchema,
  messageOutcomeSchema,
  messageViewSchema,
  webhookSubscriptionSchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionWithSecretSchema,
  webhookDeliverySchema,
  webhookDeliveryListSchema,
  type CredentialInfo,
} from './api/integration.js';
export {
  templatePackCreatedSchema,
  templatePackListSchema,
  templateFanOutSchema,
  templateLayerListSchema,
  templateLayerViewSchema,
  templateOverridesSavedSchema,
  templateListSchema,
  templateInstallSchema,
  type TemplatePackView,
  type TemplateInstall,
  type TemplateFanOut,
  type TemplateLayerSummary,
  type TemplateLayerView,
  type TemplateFanOutFlow,
} from './api/templates.js';
export {
  intakeTriageSchema,
  invoiceIntakeResponseSchema,
  formatIntakeResponseSchema,
  emailIntakeResponseSchema,
  csvBatchResultSchema,
  type IntakeTriage,
  type InvoiceIntakeResponse,
  type EmailIntakeResponse,
  type CsvBatchResult,
} from './api/invoices.js';
export {
  apiKeyListSchema,
  apiKeyMintedSchema,
  userDisabledSchema,
  brandingSchema,
  clientListSchema,
  policiesViewSchema,
  policiesSavedSchema,
  policySchemaSchema,
  delegationViewSchema,
  delegationListSchema,
  egressAllowEntrySchema,
  egressAllowListSchema,
  effectiveRoutingSchema,
  type ApiKeyView,
  type ApiKeyMinted,
  type BrandingView,
  type ClientList,
  type PoliciesView,
  type PoliciesSaved,
} from './api/admin.js';
export {
  caseAuditListSchema,
  commentListSchema,
  commentPostedSchema,
  attachmentViewSchema,
  attachmentListSchema,
  storedInvoiceSchema,
  evidenceSchema,
  type CaseAuditEntry,
  type CommentView,
  type CommentPosted,
  type AttachmentView,
  type StoredInvoiceView,
  type PurchaseOrderEvidence,
  type EvidenceView,
} from './api/casework.js';
export { userViewSchema, loginResponseSchema, type UserView, type LoginResponse } from './api/auth.js';
export { auditListSchema, auditVerificationSchema, type AuditRecordView, type AuditVerificationView } from './api/audit.js';
export { referenceUpsertedSchema, referenceCsvResultSchema, type ReferenceCsvAnswer } from './api/reference.js';
export {
  caseChangedMessageSchema,
  taskChangedMessageSchema,
  effectFailedMessageSchema,
  TASK_CHANGES,
  type CaseChangedMessage,
  type TaskChangedMessage,
  type EffectFailedMessage,
  type LiveMessages,
} from './api/live.js';
export {
  caseExceptionKind,
  leadFindingKind,
  isException,
  bucketOf,
  percentile,
  ageBucket,
  AGE_BUCKETS,
  type AgeBucket,
  type BucketUnit,
  type InvoiceFact,
  type CaseFact,
  type TaskFact,
  type StepVisitFact,
  type ReassignmentFact,
  type InsightData,
} from './insights/facts.js';
export {
  ocelPage,
  xesTraces,
  ocelId,
  OCEL_OBJECT_TYPES,
  OCEL_EVENT_TYPES,
  XES_HEADER,
  XES_FOOTER,
  type EventLogPage,
  type OcelLog,
  type OcelObject,
  type OcelEvent,
  type OcelType,
  type OcelRelationship,
} from './insights/eventLog.js';
export { edgeFrequencies, type StepTransition } from './insights/heatmap.js';
export {
  heatmapSchema,
  metricAnswerSchema,
  summaryAnswerSchema,
  drillAnswerSchema,
  clientsAnswerSchema,
  type ClientSummaryRow,
  type Heatmap,
  type MetricFigure,
  type MetricAnswer,
  type SummaryRow,
  type SummaryAnswer,
  type DrillCase,
  type DrillAnswer,
} from './api/insights.js';
export {
  computeMetric,
  returnsByCase,
  sortRows as sortMetricRows,
  METRICS,
  EXECUTIVE_METRICS,
  type MetricName,
  type MetricRow,
  type InsightQuery,
  type InsightFilters,
} from './insights/metrics.js';
export type { Suggestion, SuggestionFactor, AnomalyScore, SuggestionProvider } from './ai/suggestion.js';
export {
  NOTIFICATION_KINDS,
  TEAM_CHAT_KINDS,
  effectivePreferences,
  slaPhase,
  renderNotification,
  chatPayload,
  type NotificationKind,
  type NotificationPreferences,
  type NotificationFacts,
  type ChatFormat,
} from './notifications/notifications.js';
export {
  notificationPreferencesViewSchema,
  notificationListSchema,
  notificationChannelViewSchema,
  notificationChannelListSchema,
  type NotificationPreferencesView,
  type NotificationView,
  type NotificationChannelView,
} from './api/notifications.js';
export {
  decideAiGate,
  neverAutomatic,
  DEFAULT_AI_THRESHOLD,
  type AiGateMode,
  type AiGateStep,
  type AiGateConfig,
  type AiGatePolicy,
  type AiGateInput,
  type AiGateDecision,
} from './ai/gate.js';
export { probabilityInWords, anomalyInWords, probabilityBand, anomalyBand, wholePercent, type ProbabilityBand, type AnomalyBand } from './ai/words.js';
export { maskPii, DEFAULT_MASKED_FIELDS, type Masked } from './ai/mask.js';
export {
  aiSuggestionViewSchema,
  taskSuggestionSchema,
  agreementListSchema,
  aiAlertListSchema,
  llmAnswerSchema,
  type AiSuggestionView,
  type TaskSuggestion,
  type AgreementRow,
  type AiAlertView,
  type LlmAnswer,
} from './api/ai.js';
export { AI_SUGGESTION_SERVICE, type AiSuggestionConfig } from './nodes/aiSuggestion.js';
export {
  mapNodes,
  planCaseMigration,
  type NodeMapping,
  type MappingProblem,
  type MigrationMapping,
  type MigratingCase,
  type MigratedTask,
  type MigratedTimer,
  type MigrationBlock,
  type CaseMigrationPlan,
} from './migration/caseMigration.js';
export {
  migrationDryRunSchema,
  migrationViewSchema,
  migrationBatchSchema,
  migrationCaseSchema,
  type MigrationDryRun,
  type MigrationView,
  type MigrationBatch,
  type MigrationCase,
  type MigrationItem,
  type MigrationTask,
} from './api/migrations.js';
export {
  invoiceFeatures,
  supplierHistory,
  toVector,
  FEATURE_NAMES,
  type Features,
  type FeatureInput,
  type HistoryInvoice,
  type SupplierHistory,
} from './ai/features.js';
export { factorReason, featureReason, type FactorReason } from './ai/reasons.js';
export {
  applyCalibration,
  expectedCalibrationError,
  fitCalibration,
  macroF1,
  reliabilityCurve,
  type Calibration,
  type ReliabilityBin,
} from './ai/calibration.js';
export { aiModelListSchema, aiModelViewSchema, aiTrainingResultSchema, anomalyViewSchema, type AiModelView, type AnomalyView } from './api/aiModels.js';
export { scoreAnomaly, DEFAULT_ANOMALY_WEIGHTS, type AnomalyWeights } from './ai/anomaly.js';
export { featureDistribution, featureDrift, PSI_THRESHOLDS, type FeatureDistribution, type FeatureShift } from './ai/drift.js';
export { runCheck, purchaseOrderFrom, supplierFrom, bankAccountHistoryFrom, type ReferenceData } from './checks/referenceData.js';
export { runTestCase, type FlowTestCase, type TestCaseStep, type TestCaseRun } from './testCases/runTestCase.js';
export { decisionTableToDmn, dmnToDecisionTable, DMN13_NAMESPACE, type DmnImportProblem, type DmnImportResult } from './dmn/dmn.js';
