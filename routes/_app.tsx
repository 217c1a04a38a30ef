import { CsrfField } from "../components/CsrfField.tsx";
import type { AppProps } from "../lib/web/route.ts";
import type { Session } from "../lib/store/operators.ts";
import type { FunctionComponent } from "preact";

const NAV = [
  { href: "/", label: "Overview", match: (p: string) => p === "/" || p.startsWith("/apps/") },
  { href: "/settings", label: "Settings", match: (p: string) => p.startsWith("/settings") },
  { href: "/docs", label: "Docs", match: (p: string) => p.startsWith("/docs") },
];

/** The document around every page: head, the top bar with navigation, and the main area. */
export default function App({ Component, title, stylesheet, ...props }: AppProps) {
  const Page = Component as FunctionComponent<typeof props>;
  const session = props.state.session as Session | undefined;
  const path = props.url.pathname;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title ? `${title} · Hartslag` : "Hartslag"}</title>
        <link rel="stylesheet" href={stylesheet} />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <div class="topbar-inner">
            <a class="brand" href={session ? "/" : "/docs"}>
              <span class="brand-mark" aria-hidden="true">HB</span>
              <span>Hartslag</span>
            </a>
            {session && (
              <nav class="nav" aria-label="Main">
                {NAV.map((item) => (
                  <a
                    key={item.href}
                    href={item.href}
                    aria-current={item.match(path) ? "page" : undefined}
                  >
                    {item.label}
                  </a>
                ))}
              </nav>
            )}
            {session
              ? (
                <form class="signout" method="post" action="/logout">
                  <CsrfField state={props.state} />
                  <span class="who">{session.operator.email}</span>
                  <button type="submit" class="button quiet">Sign out</button>
                </form>
              )
              : path !== "/login" && (
                <nav class="nav" aria-label="Main">
                  <a href="/docs" aria-current={path.startsWith("/docs") ? "page" : undefined}>
                    Docs
                  </a>
                  <a href="/login">Sign in</a>
                </nav>
              )}
          </div>
        </header>
        <main id="main" class="main" tabIndex={-1}>
          <Page {...props} />
        </main>
      </body>
    </html>
  );
}
