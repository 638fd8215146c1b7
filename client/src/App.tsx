import { lazy, type ReactNode, Suspense } from 'react';
import { Layout } from './components/Layout';
import { Spinner } from './components/Spinner';
import { isOnlinePage } from './online-path';
import { LocalPage } from './pages/LocalPage';
import { Link, useLocation } from './router';

const OnlinePages = lazy(() => import('./pages/OnlinePages'));
const PlayerPages = lazy(() => import('./pages/PlayerPages'));

const link = 'text-indigo-700 underline dark:text-indigo-300';

/** Any path but the app's own pages; the server answers these with a 404 status too. */
function NotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2">There is nothing at this address.</p>
      <p className="mt-4 flex justify-center gap-6">
        <Link href="/" className={link}>
          Play here
        </Link>
        <Link href="/online" className={link}>
          Play online
        </Link>
      </p>
    </div>
  );
}

export function App() {
  const { pathname, search } = useLocation();
  let page: ReactNode;
  if (pathname === '/') page = <LocalPage />;
  else if (isOnlinePage(pathname)) {
    page = (
      <Suspense fallback={<Spinner label="Loading online play…" />}>
        {pathname.startsWith('/players') ? (
          <PlayerPages pathname={pathname} />
        ) : (
          <OnlinePages pathname={pathname} search={search} />
        )}
      </Suspense>
    );
  } else page = <NotFound />;
  return <Layout>{page}</Layout>;
}
