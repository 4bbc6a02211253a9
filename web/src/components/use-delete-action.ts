/**
 * Delete-after-confirmation, the same way on every page: ask (role "alertdialog", buttons "Delete"/"Cancel"),
 * call the API, invalidate the lists it changes, toast the result; a refusal from the server is toasted as it is.
 *   const remove = useDeleteAction({ mutationFn: (m: Module) => unwrap(api.DELETE(…)), invalidate: [qk.modules.all],
 *     confirm: (m) => ({ title: `Delete module "${m.name}"?`, description: '…' }), success: 'Module deleted' });
 *   <RowActions actions={[{ label: 'Delete', destructive: true, onSelect: () => void remove.ask(m) }]} />
 */
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useConfirm, type ConfirmOptions } from './ui/alert-dialog';
import { toast } from './ui/toast';

export function useDeleteAction<T, R = unknown>(options: {
  mutationFn: (item: T) => Promise<R>;
  /** Query keys whose data the deletion changes (the area's `qk.<area>.all`, …). */
  invalidate: readonly QueryKey[];
  confirm: (item: T) => Omit<ConfirmOptions, 'destructive'>;
  /** The success toast. */
  success: string | ((item: T, result: R) => string);
  onDeleted?: (item: T) => void;
}) {
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const mutation = useMutation({
    mutationFn: options.mutationFn,
    onSuccess: (result, item) => {
      for (const queryKey of options.invalidate) void queryClient.invalidateQueries({ queryKey });
      toast.success(typeof options.success === 'string' ? options.success : options.success(item, result));
      options.onDeleted?.(item);
    },
    onError: (error) => toast.error(error),
  });
  const ask = async (item: T) => {
    if (await confirm({ confirmLabel: 'Delete', ...options.confirm(item), destructive: true })) mutation.mutate(item);
  };
  return { ask, mutation };
}
