import { useEffect } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** The screen's one h1; the browser tab's title follows it, so history and tabs name the screen. */
export function ScreenHeading(props: { children: string }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${props.children} — ${t('app.name')}`;
  }, [props.children, t]);
  return <h1>{props.children}</h1>;
}
