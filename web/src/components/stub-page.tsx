/** Placeholder for a page not built yet: its header and a "Not built yet" empty state. Page authors replace it. */
import { Construction } from 'lucide-react';
import { PageHeader } from './ui/page-header';
import { EmptyState } from './ui/empty-state';

export function StubPage({ title, description }: { title: string; description: string }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState icon={Construction} title="Not built yet" description="This page is coming in the next change." />
    </>
  );
}
