/**
 * Every text of the web app in English, the source catalogue: keys are grouped by page, and
 * `de.ts` must have the same keys (typed, and checked by catalogue.test.ts). Plurals use
 * i18next's `_one` / `_other` suffixes; `{{name}}` is interpolated.
 */
export const en = {
  common: {
    language: 'Language',
    loading: 'Loading…',
    signOut: 'Sign out',
    skipToContent: 'Skip to content',
    help: 'Help:',
    none: '—',
    cancel: 'Cancel',
    save: 'Save',
    close: 'Close',
  },
  nav: {
    main: 'Main',
    flows: 'Flows',
    inbox: 'Inbox',
    incidents: 'Incidents',
    insights: 'Insights',
    admin: 'Admin',
    notifications: 'Notifications',
    areaDesigner: 'Designer',
    areaAdmin: 'Admin',
    areaWorkspace: 'Workspace',
  },
  login: {
    lead: 'Design, test and publish invoice exception workflows.',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    hint: 'Demo users: owner@, analyst@, approver@, admin@demo.exflow · password “demo”',
  },
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
/** The shape every catalogue has: the same keys as English, any text. */
export type Catalogue = Strings<typeof en>;
