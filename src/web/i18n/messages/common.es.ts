import type { commonEn } from './common.en.ts';

export const commonEs: Record<keyof typeof commonEn, string> = {
  'app.name': 'Credstack',
  'app.tagline': 'Microcredenciales abiertas y verificables',
  'nav.label': 'Principal',
  'nav.home': 'Inicio',
  'nav.catalogue': 'Catálogo',
  'nav.verify': 'Verificar una credencial',
  'nav.wallet': 'Mi cartera',
  'nav.console': 'Consola del emisor',
  'nav.skipToContent': 'Saltar al contenido principal',
  'lang.label': 'Idioma',
  'lang.switch': 'Cambiar',
  'common.loading': 'Cargando…',
  'common.needsJavaScript':
    'Esta parte de Credstack necesita JavaScript. Las páginas públicas (credenciales, verificación, perfiles) funcionan sin él.',
  'common.error': 'Algo ha fallado',
  'common.retry': 'Reintentar',
  'common.save': 'Guardar',
  'common.cancel': 'Cancelar',
  'common.close': 'Cerrar',
  'common.yes': 'Sí',
  'common.no': 'No',
  'common.none': 'Ninguno',
  'common.download': 'Descargar',
  'common.copy': 'Copiar',
  'common.copied': 'Copiado',
  'common.notFound.title': 'No encontrado',
  'common.notFound.body':
    'No hay nada en esta dirección. Puede que el enlace esté mal o que la página se haya retirado.',
  'common.footer':
    'Credstack — microcredenciales de código abierto (Open Badges 3.0, W3C Verifiable Credentials 2.0).',
  'common.apiDocs': 'Referencia de la API',
};
