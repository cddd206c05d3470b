import type { Catalogue } from './en.js';

/** Every text of the web app in German; the keys are those of `en.ts`. */
export const de: Catalogue = {
  common: {
    language: 'Sprache',
    loading: 'Wird geladen…',
    signOut: 'Abmelden',
    skipToContent: 'Zum Inhalt springen',
    help: 'Hilfe:',
    none: '—',
    cancel: 'Abbrechen',
    save: 'Speichern',
    close: 'Schließen',
  },
  nav: {
    main: 'Hauptnavigation',
    flows: 'Abläufe',
    inbox: 'Eingang',
    incidents: 'Störungen',
    insights: 'Auswertungen',
    admin: 'Verwaltung',
    notifications: 'Benachrichtigungen',
    areaDesigner: 'Designer',
    areaAdmin: 'Verwaltung',
    areaWorkspace: 'Arbeitsbereich',
  },
  login: {
    lead: 'Workflows für Rechnungsausnahmen entwerfen, testen und veröffentlichen.',
    email: 'E-Mail',
    password: 'Passwort',
    signIn: 'Anmelden',
    signingIn: 'Anmeldung läuft…',
    hint: 'Demo-Benutzer: owner@, analyst@, approver@, admin@demo.exflow · Passwort „demo“',
  },
};
