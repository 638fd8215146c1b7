import { lazy, type ReactNode, Suspense } from 'react';
import { Layout } from './components/Layout';
import { Spinner } from './components/ui';
import { LocalPage } from './pages/LocalPage';
import { Link, useLocation } from './router';

const OnlinePages = lazy(() => import('./pages/OnlinePages'));

function NotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2">
        <Link href="/" className="text-indigo-700 underline dark:text-indigo-300">
          Play tic-tac-toe
        </Link>
      </p>
    </div>
  );
}

export function App() {
  const { pathname, search } = useLocation();
  let page: ReactNode;
  if (pathname === '/') page = <LocalPage />;
  else if (pathname === '/online' || pathname.startsWith('/games/')) {
    page = (
      <Suspense fallback={<Spinner label="Loading online play…" />}>
        <OnlinePages pathname={pathname} search={search} />
      </Suspense>
    );
  } else page = <NotFound />;
  return <Layout>{page}</Layout>;
}
