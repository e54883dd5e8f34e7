/** Strings every page shares: the frame, navigation, language switch and generic states. */
export const commonEn = {
  'app.name': 'Credstack',
  'app.tagline': 'Open, verifiable micro-credentials',
  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.catalogue': 'Catalogue',
  'nav.verify': 'Verify a credential',
  'nav.wallet': 'My wallet',
  'nav.console': 'Issuer console',
  'nav.skipToContent': 'Skip to main content',
  'lang.label': 'Language',
  'lang.switch': 'Change',
  'common.loading': 'Loading…',
  'common.needsJavaScript':
    'This part of Credstack needs JavaScript. The public pages (credentials, verification, profiles) work without it.',
  'common.error': 'Something went wrong',
  'common.retry': 'Try again',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.none': 'None',
  'common.download': 'Download',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.notFound.title': 'Not found',
  'common.notFound.body':
    'There is nothing at this address. The link may be wrong, or the page may have been removed.',
  'common.footer':
    'Credstack — open source micro-credentials (Open Badges 3.0, W3C Verifiable Credentials 2.0).',
  'common.apiDocs': 'API reference',
} as const;
