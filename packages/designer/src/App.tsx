import { nodeCatalogue } from '@exflow/shared';

export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Exflow</h1>
      <p>The designer is coming. Node kinds available: {nodeCatalogue.map((k) => k.label).join(', ')}.</p>
    </main>
  );
}
