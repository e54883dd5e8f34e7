import { createRoot, hydrateRoot } from 'react-dom/client';
import { App } from '../App.tsx';
import type { DocumentData } from '../pages/page-data.ts';
import '../styles.css';

/**
 * The browser entry. Public pages are already rendered by the server and only hydrate; the console and
 * the wallet are browser apps, loaded as their own chunks and mounted over the server's shell.
 */
async function start() {
  const root = document.getElementById('root');
  const block = document.getElementById('page-data');
  if (!root || !block?.textContent) return;
  const data = JSON.parse(block.textContent) as DocumentData;
  if (data.page === 'app') {
    const module =
      data.props.area === 'console'
        ? await import('../console/ConsoleApp.tsx')
        : await import('../wallet/WalletApp.tsx');
    createRoot(root).render(<App data={data} spa={module.default} />);
  } else {
    hydrateRoot(root, <App data={data} />);
  }
}

void start();
