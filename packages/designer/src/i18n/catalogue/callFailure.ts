import type { Strings } from './en.js';

/** The case page's banner for a call that failed: retrying, or given up into an incident. */
export const callFailureEn = {
  callFailure: {
    attemptOf: 'attempt {{attempt}} of {{max}}',
    attempt: 'attempt {{attempt}}',
    retrying: '{{system}} call failed ({{attempt}}): {{error}}. Retrying at {{when}}.',
    resumes: 'The case waits at {{step}} and goes on when {{system}} answers.',
    gaveUp_one: 'Gave up after {{count}} attempt calling {{system}}: {{error}}. The case waits in an incident until the call is retried.',
    gaveUp_other: 'Gave up after {{count}} attempts calling {{system}}: {{error}}. The case waits in an incident until the call is retried.',
    incidents: 'Open the incidents',
  },
};

export const callFailureDe: Strings<typeof callFailureEn> = {
  callFailure: {
    attemptOf: 'Versuch {{attempt}} von {{max}}',
    attempt: 'Versuch {{attempt}}',
    retrying: 'Aufruf von {{system}} fehlgeschlagen ({{attempt}}): {{error}}. Neuer Versuch um {{when}}.',
    resumes: 'Der Fall wartet bei {{step}} und geht weiter, sobald {{system}} antwortet.',
    gaveUp_one: 'Nach {{count}} Versuch aufgegeben, {{system}} aufzurufen: {{error}}. Der Fall wartet als Störung, bis der Aufruf wiederholt wird.',
    gaveUp_other: 'Nach {{count}} Versuchen aufgegeben, {{system}} aufzurufen: {{error}}. Der Fall wartet als Störung, bis der Aufruf wiederholt wird.',
    incidents: 'Zu den Störungen',
  },
};
