/** The answer of a connection test, in place: "Connection OK" with the latency, or the database's own reason. */
import { Alert } from '../../components/ui/alert';
import { formatMs } from '../../lib/format';

export interface ConnectionTest {
  ok: boolean;
  message: string;
  latency_ms: number;
}

export function TestResult({ result, name }: { result: ConnectionTest; name?: string }) {
  return result.ok ? (
    <Alert variant="success" title={`Connection OK${name ? ` — ${name}` : ''} · ${formatMs(result.latency_ms)}`} data-testid="connection-test-result">
      {result.message}
    </Alert>
  ) : (
    <Alert variant="destructive" title={`Connection failed${name ? ` — ${name}` : ''}`} data-testid="connection-test-result">
      {result.message}
    </Alert>
  );
}
