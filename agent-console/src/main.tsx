/** Console entry: languages first (the API client reads the language), then the app, then the stored session. */
import './i18n/index.ts';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { restoreSession } from './features/auth/session.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

void restoreSession();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
