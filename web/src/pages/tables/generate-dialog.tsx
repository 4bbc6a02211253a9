/**
 * "Generate from a data source": reads a live schema (`POST /datasources/{id}/generate-spec`), shows what the
 * generator did (its report) and the document, which can be edited and then imported as a module.
 * Opened from the Table APIs page (choose the connection here) or from a connection's row (given).
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { FileCog } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { qk } from '../../lib/query-keys';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Button } from '../../components/ui/button';
import { Alert } from '../../components/ui/alert';
import { Skeleton } from '../../components/ui/skeleton';
import { errorMessage } from '../../api/errors';
import { ImportSpecForm } from './import-form';

interface DataSourceRef {
  id: string;
  name: string;
  product_type: string;
}

export function GenerateSpecDialog(props: { open?: boolean; dataSource?: DataSourceRef | null; onClose: () => void }) {
  const open = props.open ?? !!props.dataSource;
  return (
    <Dialog open={open} onOpenChange={(o) => !o && props.onClose()}>
      {open && (
        <DialogContent
          title="Generate a table API"
          description="Portico reads the tables of a connection and writes an annotated OpenAPI document you can review and import."
          className="max-w-3xl"
        >
          <GenerateBody fixed={props.dataSource ?? null} onClose={props.onClose} />
        </DialogContent>
      )}
    </Dialog>
  );
}

function GenerateBody({ fixed, onClose }: { fixed: DataSourceRef | null; onClose: () => void }) {
  const navigate = useNavigate();
  const [chosen, setChosen] = useState(fixed?.id ?? '');
  const [schema, setSchema] = useState('');
  const sources = useQuery({
    queryKey: qk.connections.list({ page: 1, picker: true }),
    queryFn: () => unwrap(api.POST('/api/v1/datasources/list', { body: { page: 1, page_size: 100 } })),
    enabled: !fixed,
  });
  const source: DataSourceRef | undefined = fixed ?? sources.data?.data.find((d) => d.id === chosen);

  const generate = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/datasources/{id}/generate-spec', { params: { path: { id } }, body: { format: 'yaml', ...(schema.trim() ? { schema: schema.trim() } : {}) } })),
  });

  if (generate.data && source) {
    const result = generate.data;
    return (
      <div className="grid gap-4">
        <Alert variant="success" title={`Read the schema of "${source.name}"`}>
          <ul aria-label="Generator report" className="max-h-40 space-y-0.5 overflow-y-auto font-mono text-xs">
            {result.report.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </Alert>
        <ImportSpecForm
          defaults={{ module: source.name.replace(/[^A-Za-z0-9_-]/g, '_'), content: result.content, filename: `${source.name}.openapi.${result.format}` }}
          onCancel={onClose}
          onImported={(spec) => {
            onClose();
            void navigate({ to: '/tables/$id', params: { id: spec.id } });
          }}
        />
      </div>
    );
  }

  return (
    <div className="grid gap-4">
      {!fixed &&
        (sources.isPending ? (
          <Skeleton className="h-9 w-full" />
        ) : (
          <FormField label="Connection" required error={sources.isError ? errorMessage(sources.error) : undefined}>
            <Select
              value={chosen}
              onChange={(e) => setChosen(e.target.value)}
              placeholder="Choose a connection…"
              options={(sources.data?.data ?? []).map((d) => ({ value: d.id, label: `${d.name} (${d.product_type})` }))}
            />
          </FormField>
        ))}
      {fixed && (
        <p className="text-sm">
          Connection: <span className="font-medium">{fixed.name}</span>
        </p>
      )}
      {source?.product_type === 'postgres' && (
        <FormField label="Schema" hint="PostgreSQL schema to read; default: the connection's search path.">
          <Input value={schema} onChange={(e) => setSchema(e.target.value)} placeholder="public" autoComplete="off" />
        </FormField>
      )}
      {generate.isError && <Alert variant="destructive" title="Could not read the schema">{errorMessage(generate.error)}</Alert>}
      <DialogFooter>
        <Button type="button" variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="button" disabled={!source} loading={generate.isPending} onClick={() => source && generate.mutate(source.id)}>
          <FileCog />
          Generate
        </Button>
      </DialogFooter>
    </div>
  );
}
