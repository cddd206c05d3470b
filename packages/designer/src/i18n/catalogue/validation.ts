import type { Strings } from './en.js';

/**
 * Validation problems of a flow by their code (shared's `validate`), filled from the values the
 * problem carries; a problem whose code is not here keeps shared's English message.
 */
export const validationEn = {
  flowProblem: {
    schema: 'The definition: {{detail}}',
    node: {
      duplicateId: 'Two steps have the id “{{id}}”; ids must be unique',
      unknownKind: 'Step “{{id}}” has the unknown kind “{{kind}}”',
      config: '{{kind}} “{{name}}”: {{detail}}',
      unreachable: '“{{name}}” cannot be reached from the start',
      deadEnd: '“{{name}}” never leads to an End step; give it a way out of its loop or end the flow with an End step',
    },
    edge: {
      duplicateId: 'Two connections have the id “{{id}}”; ids must be unique',
      missingSource: 'Connection “{{id}}” starts at the missing step “{{step}}”',
      missingTarget: 'Connection “{{id}}” points to the missing step “{{step}}”',
      intoStart: 'Connection “{{id}}” leads into “{{step}}”, which takes no incoming connections',
      unknownPort: 'Connection “{{id}}” leaves “{{step}}” from output “{{port}}”; its outputs are: {{ports}}',
      portTaken: 'Output “{{port}}” of “{{step}}” already has connection “{{other}}”; an output leads to one place',
    },
    start: {
      count_zero: 'The flow has no start step; add one',
      count_one: 'The flow has {{count}} start step; keep exactly one',
      count_other: 'The flow has {{count}} start steps; keep exactly one',
    },
    decision: { noDefault: 'Decision “{{name}}” has no “otherwise” connection; connect one so every case has a way on' },
    port: { unconnected: '“{{name}}” has no connection for “{{port}}”; connect it' },
    ai: { notBeforeTask: 'AI suggestion “{{name}}” must lead straight to the Review / approval step it suggests for; connect it to that step' },
    parallel: {
      endInBranch: 'End step “{{end}}” sits inside a branch of parallel “{{parallel}}”; branches must meet at a Join first',
      join_zero: 'The branches of parallel “{{parallel}}” never meet at a Join; add one',
      join_one: 'The branches of parallel “{{parallel}}” meet at different joins ({{joins}}); use one',
      join_other: 'The branches of parallel “{{parallel}}” meet at different joins ({{joins}}); use one',
      sharedNode: '“{{step}}” is on two branches of parallel “{{parallel}}”; each step belongs to one branch',
    },
    sod: {
      'make-and-check':
        'Role {{roles}} can both make “{{maker}}” and check “{{approval}}” on the path {{path}}; give the approval candidate roles that the maker step does not have',
      'approval-unmarked':
        '“{{name}}” offers {{outcomes}} but is not marked as an approval, so no limits, self-approval or four-eyes rules apply; turn on Approval for it',
      'no-four-eyes': 'Approval “{{name}}”{{reached}}: {{reasons}}; list every approving outcome under “Outcomes that approve”',
      reachedBy: ' (reached by {{path}})',
      escaping: 'its outcome {{outcomes}} is not among the outcomes that approve, so limits and four-eyes never apply to it',
      declared: 'its outcomes that approve ({{outcomes}}) name no outcome of the step, so limits and four-eyes never apply',
      submitters:
        '{{roles}}, a role that submits invoices, can complete it and the tenant sets no four-eyes threshold, so one colleague of the submitter approves any amount',
      setThreshold: ', and set a four-eyes threshold or leave the submitting roles out of its candidate roles',
    },
    feel: {
      trigger: 'Start trigger: {{error}}',
      branch: 'Branch “{{branch}}”: {{error}}',
      input: 'Input {{n}}: {{error}}',
      ruleInput: 'Rule {{rule}}, input {{n}}: {{error}}',
      ruleOutput: 'Rule {{rule}}, output {{n}}: {{error}}',
      approvalAmount: 'Approval amount: {{error}}',
      correlationKey: 'Correlation key: {{error}}',
    },
    decisionTable: {
      shape: 'Rule {{rule}} has {{tests}} tests and {{results}} results; the table has {{inputs}} inputs and {{outputs}} outputs',
    },
    duration: { invalid: '“{{value}}” is not an ISO 8601 duration like PT24H or P2D' },
    subflow: { 'result-name': 'Step id “{{id}}” is not a name FEEL can read: set “Keep the result as”' },
    testCase: {
      duplicateId: 'Two test cases have the id “{{id}}”',
      unknownNode: 'Test case “{{name}}” expects step “{{step}}”, which the flow does not have',
      unknownStepNode: 'Test case “{{name}}”, step {{n}} names step “{{step}}”, which the flow does not have',
      step: 'Test case “{{name}}”, step {{n}}: give either complete and outcome, or timeout',
    },
  },
  problemRule: {
    required: '{{field}} is required',
    additionalProperties: '{{field}} is not a known field',
    enum: '{{field}} must be one of {{allowed}}',
    other: '{{field}} {{detail}}',
    minItems: '{{field}} needs at least one entry',
    minLength: '{{field}} must not be empty',
    pattern: '{{field}} is not in the expected form',
    type: '{{field}} has the wrong type',
    minimum: '{{field}} is too small',
    maximum: '{{field}} is too large',
  },
};

export const validationDe: Strings<typeof validationEn> = {
  flowProblem: {
    schema: 'Die Definition: {{detail}}',
    node: {
      duplicateId: 'Zwei Schritte haben die ID „{{id}}“; IDs müssen eindeutig sein',
      unknownKind: 'Schritt „{{id}}“ hat die unbekannte Art „{{kind}}“',
      config: '{{kind}} „{{name}}“: {{detail}}',
      unreachable: '„{{name}}“ ist vom Start aus nicht erreichbar',
      deadEnd: '„{{name}}“ führt nie zu einem Ende; geben Sie ihm einen Weg aus seiner Schleife oder beenden Sie den Ablauf mit einem Ende-Schritt',
    },
    edge: {
      duplicateId: 'Zwei Verbindungen haben die ID „{{id}}“; IDs müssen eindeutig sein',
      missingSource: 'Verbindung „{{id}}“ beginnt beim fehlenden Schritt „{{step}}“',
      missingTarget: 'Verbindung „{{id}}“ zeigt auf den fehlenden Schritt „{{step}}“',
      intoStart: 'Verbindung „{{id}}“ führt in „{{step}}“, der keine eingehenden Verbindungen annimmt',
      unknownPort: 'Verbindung „{{id}}“ verlässt „{{step}}“ über den Ausgang „{{port}}“; seine Ausgänge sind: {{ports}}',
      portTaken: 'Ausgang „{{port}}“ von „{{step}}“ hat schon die Verbindung „{{other}}“; ein Ausgang führt an genau eine Stelle',
    },
    start: {
      count_zero: 'Der Ablauf hat keinen Start-Schritt; fügen Sie einen hinzu',
      count_one: 'Der Ablauf hat {{count}} Start-Schritt; behalten Sie genau einen',
      count_other: 'Der Ablauf hat {{count}} Start-Schritte; behalten Sie genau einen',
    },
    decision: { noDefault: 'Entscheidung „{{name}}“ hat keine „sonst“-Verbindung; verbinden Sie eine, damit jeder Fall weiterkommt' },
    port: { unconnected: '„{{name}}“ hat keine Verbindung für „{{port}}“; verbinden Sie sie' },
    ai: {
      notBeforeTask:
        'KI-Vorschlag „{{name}}“ muss direkt zu dem Prüf- oder Freigabeschritt führen, für den er vorschlägt; verbinden Sie ihn mit diesem Schritt',
    },
    parallel: {
      endInBranch: 'Ende-Schritt „{{end}}“ liegt in einem Zweig der Parallelität „{{parallel}}“; Zweige müssen sich zuerst an einer Zusammenführung treffen',
      join_zero: 'Die Zweige der Parallelität „{{parallel}}“ treffen sich nie an einer Zusammenführung; fügen Sie eine hinzu',
      join_one: 'Die Zweige der Parallelität „{{parallel}}“ treffen sich an verschiedenen Zusammenführungen ({{joins}}); verwenden Sie eine',
      join_other: 'Die Zweige der Parallelität „{{parallel}}“ treffen sich an verschiedenen Zusammenführungen ({{joins}}); verwenden Sie eine',
      sharedNode: '„{{step}}“ liegt auf zwei Zweigen der Parallelität „{{parallel}}“; jeder Schritt gehört zu einem Zweig',
    },
    sod: {
      'make-and-check':
        'Rolle {{roles}} kann „{{maker}}“ sowohl bearbeiten als auch „{{approval}}“ prüfen, auf dem Pfad {{path}}; geben Sie der Freigabe Kandidatenrollen, die der bearbeitende Schritt nicht hat',
      'approval-unmarked':
        '„{{name}}“ bietet {{outcomes}}, ist aber nicht als Freigabe markiert, daher gelten keine Limits, kein Selbstfreigabe-Verbot und kein Vier-Augen-Prinzip; schalten Sie Freigabe dafür ein',
      'no-four-eyes': 'Freigabe „{{name}}“{{reached}}: {{reasons}}; führen Sie jedes freigebende Ergebnis unter „Ergebnisse, die freigeben“ auf',
      reachedBy: ' (erreicht über {{path}})',
      escaping: 'ihr Ergebnis {{outcomes}} zählt nicht zu den freigebenden Ergebnissen, daher gelten Limits und Vier-Augen-Prinzip dafür nie',
      declared: 'ihre freigebenden Ergebnisse ({{outcomes}}) nennen kein Ergebnis des Schritts, daher gelten Limits und Vier-Augen-Prinzip nie',
      submitters:
        '{{roles}}, eine Rolle, die Rechnungen einreicht, kann sie erledigen, und der Mandant setzt keine Vier-Augen-Schwelle, daher gibt ein Kollege des Einreichers jeden Betrag frei',
      setThreshold: ', und setzen Sie eine Vier-Augen-Schwelle oder nehmen Sie die einreichenden Rollen aus ihren Kandidatenrollen',
    },
    feel: {
      trigger: 'Startbedingung: {{error}}',
      branch: 'Zweig „{{branch}}“: {{error}}',
      input: 'Eingabe {{n}}: {{error}}',
      ruleInput: 'Regel {{rule}}, Eingabe {{n}}: {{error}}',
      ruleOutput: 'Regel {{rule}}, Ausgabe {{n}}: {{error}}',
      approvalAmount: 'Freigabebetrag: {{error}}',
      correlationKey: 'Korrelationsschlüssel: {{error}}',
    },
    decisionTable: {
      shape: 'Regel {{rule}} hat {{tests}} Tests und {{results}} Ergebnisse; die Tabelle hat {{inputs}} Eingaben und {{outputs}} Ausgaben',
    },
    duration: { invalid: '„{{value}}“ ist keine ISO-8601-Dauer wie PT24H oder P2D' },
    subflow: { 'result-name': 'Die Schritt-ID „{{id}}“ ist kein Name, den FEEL lesen kann: setzen Sie „Ergebnis speichern als“' },
    testCase: {
      duplicateId: 'Zwei Testfälle haben die ID „{{id}}“',
      unknownNode: 'Testfall „{{name}}“ erwartet den Schritt „{{step}}“, den der Ablauf nicht hat',
      unknownStepNode: 'Testfall „{{name}}“, Schritt {{n}} nennt den Schritt „{{step}}“, den der Ablauf nicht hat',
      step: 'Testfall „{{name}}“, Schritt {{n}}: geben Sie entweder complete und outcome oder timeout an',
    },
  },
  problemRule: {
    required: '{{field}} ist erforderlich',
    additionalProperties: '{{field}} ist kein bekanntes Feld',
    enum: '{{field}} muss einer der Werte {{allowed}} sein',
    other: '{{field}} {{detail}}',
    minItems: '{{field}} braucht mindestens einen Eintrag',
    minLength: '{{field}} darf nicht leer sein',
    pattern: '{{field}} hat nicht die erwartete Form',
    type: '{{field}} hat den falschen Typ',
    minimum: '{{field}} ist zu klein',
    maximum: '{{field}} ist zu groß',
  },
};
