"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

export type NavItem = { href: string; label: string };

function current(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * The sidebar. Below 800 px it folds into a top bar with a Menu button (aria-expanded), so no page
 * needs more than the viewport's width (WCAG 1.4.10 Reflow); following a link folds it again.
 */
export function SidebarNav({
  sections,
  account,
}: {
  sections: { title: string; items: NavItem[] }[];
  account: ReactNode;
}) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);
  return (
    <aside className="sidebar" data-open={open || undefined}>
      <div className="sidebar-top">
        <Link href="/" className="brand" aria-label="Custodian overview">
          <svg className="logo" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <path
              d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7L16 2z"
              fill="#8fb3ff"
            />
            <path
              d="m10.5 16 4 4 7-8"
              fill="none"
              stroke="#1e325c"
              strokeWidth="3"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <span>Custodian</span>
        </Link>
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="console-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Close" : "Menu"}
        </button>
      </div>
      <div className="sidebar-body" id="console-nav">
        <nav aria-label="Console sections">
          {sections.map((section) => (
            <div key={section.title}>
              <h2>{section.title}</h2>
              {section.items.map((item) => (
                <Link
                  key={item.href}
                  href={item.href}
                  aria-current={current(pathname, item.href) ? "page" : undefined}
                >
                  {item.label}
                </Link>
              ))}
            </div>
          ))}
        </nav>
        {account}
      </div>
    </aside>
  );
}
