import { useI18n } from '../i18n/index.tsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('common.notFound.title')}</h1>
      <p>{t('common.notFound.body')}</p>
    </>
  );
}
