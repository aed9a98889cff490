import { useEffect, useMemo } from 'react';
import { ApiProvider, createTransport } from './api';
import { AppShell } from './features/shell';
import './styles/base.css';
import './features/shell/shell.css';

/** Files dropped outside a drop target must never make the window navigate to them. */
function useDropGuard() {
  useEffect(() => {
    const stop = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
}

export function App() {
  const transport = useMemo(createTransport, []);
  useDropGuard();
  return (
    <ApiProvider transport={transport}>
      <AppShell />
    </ApiProvider>
  );
}
