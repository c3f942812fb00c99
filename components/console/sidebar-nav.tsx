"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type NavItem = { href: string; label: string };

export function SidebarNav({ sections }: { sections: { title: string; items: NavItem[] }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console sections">
      {sections.map((section) => (
        <div key={section.title}>
          <h2>{section.title}</h2>
          {section.items.map((item) => (
            <Link key={item.href} href={item.href} aria-current={pathname.startsWith(item.href) ? "page" : undefined}>
              {item.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
