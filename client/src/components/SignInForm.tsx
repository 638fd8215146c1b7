import { isReservedName, PasswordSchema, PlayerNameSchema, RESERVED_NAME_RULE } from '@ttt/shared';
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api';
import { useAction } from '../hooks/use-action';
import { useSession } from '../hooks/use-session';
import { CreateAccountQuestion } from './CreateAccountQuestion';
import { ErrorMessage } from './ErrorMessage';
import { Button, Card, focusRing } from './ui';

const input = `w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-600 dark:bg-slate-950 ${focusRing}`;

/** One form: a known name signs in; a name nobody has yet asks once before creating the account. */
export function SignInForm({ onSignedIn }: { onSignedIn?: () => void }) {
  const { signIn } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  /** The name the server knows nobody by; the question goes as soon as the name is edited. */
  const [unknownName, setUnknownName] = useState<string | null>(null);
  const signingIn = useAction(async (trimmed: string, create: boolean) => {
    try {
      await signIn(trimmed, password, create);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'auth/unknown-player') {
        // Nobody has it and nobody may take it: say so now instead of offering to create it.
        if (isReservedName(trimmed)) throw new ApiError(400, 'auth/reserved-name', RESERVED_NAME_RULE);
        return setUnknownName(trimmed);
      }
      throw caught;
    }
    onSignedIn?.();
  });
  const { error, setError, pending } = signingIn;
  const nameHelp = useId();
  const passwordHelp = useId();
  // What the last try found wrong with each field: the field is marked, and described by it.
  const [problems, setProblems] = useState<{ name?: string | undefined; password?: string | undefined }>({});
  const nameProblem = useId();
  const passwordProblem = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    const nameCheck = PlayerNameSchema.safeParse(trimmed);
    const passwordCheck = PasswordSchema.safeParse(password);
    const found = { name: nameCheck.error?.issues[0]?.message, password: passwordCheck.error?.issues[0]?.message };
    setProblems(found);
    if (found.name || found.password) {
      setError(null);
      return;
    }
    await signingIn.run(trimmed, false);
  };

  return (
    <Card className="mx-auto w-full max-w-md">
      <h1 className="text-2xl font-bold">Play online</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Sign in to invite a friend. A name nobody has yet asks once, then creates your account with this password.
      </p>
      <form className="mt-6 flex flex-col gap-4" onSubmit={submit} noValidate>
        <div className="flex flex-col gap-1">
          <label htmlFor="sign-in-name" className="text-sm font-medium">
            Name
          </label>
          <input
            id="sign-in-name"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={40}
            aria-invalid={problems.name ? true : undefined}
            aria-describedby={problems.name ? `${nameHelp} ${nameProblem}` : nameHelp}
            className={input}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <p id={nameHelp} className="text-xs text-slate-600 dark:text-slate-400">
            3–20 letters, digits, _ or -
          </p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="sign-in-password" className="text-sm font-medium">
            Password
          </label>
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={problems.password ? true : undefined}
            aria-describedby={problems.password ? `${passwordHelp} ${passwordProblem}` : passwordHelp}
            className={input}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p id={passwordHelp} className="text-xs text-slate-600 dark:text-slate-400">
            At least 8 characters
          </p>
        </div>
        <ErrorMessage
          message={
            problems.name || problems.password ? (
              <>
                {problems.name ? <span id={nameProblem}>{problems.name}. </span> : null}
                {problems.password ? <span id={passwordProblem}>{problems.password}.</span> : null}
              </>
            ) : (
              error
            )
          }
        />
        {unknownName !== null && unknownName === name.trim() ? (
          <CreateAccountQuestion name={unknownName} pending={pending} create={() => signingIn.run(unknownName, true)} />
        ) : null}
        <Button type="submit" variant="primary" disabled={pending} className="py-3 text-base">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </Card>
  );
}
