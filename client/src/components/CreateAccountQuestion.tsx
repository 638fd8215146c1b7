import { Button } from './ui';

/** Asked once for a name nobody has yet: a typo in one's own name is not a new account. */
export function CreateAccountQuestion({
  name,
  pending,
  create,
}: {
  name: string;
  pending: boolean;
  create: () => void;
}) {
  const changeName = () => {
    const input = document.getElementById('sign-in-name');
    if (!(input instanceof HTMLInputElement)) return;
    input.focus();
    input.select();
  };
  return (
    <div
      role="alert"
      className="rounded-lg border border-indigo-300 bg-indigo-50 px-4 py-3 text-sm dark:border-indigo-700 dark:bg-indigo-950/60"
    >
      <p>
        No player is called <strong>{name}</strong>. Create this account?
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button variant="primary" disabled={pending} onClick={create}>
          Create {name}
        </Button>
        <Button onClick={changeName}>Change the name</Button>
      </div>
    </div>
  );
}
