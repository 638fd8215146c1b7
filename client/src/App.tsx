import { Layout } from './components/Layout';
import { LocalPage } from './pages/LocalPage';
import { Link, useLocation } from './router';

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
  const { pathname } = useLocation();
  return <Layout>{pathname === '/' ? <LocalPage /> : <NotFound />}</Layout>;
}
