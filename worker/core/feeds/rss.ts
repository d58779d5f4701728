import type { FeedEntry } from "./feed-entries.ts";
import { escapeXml } from "./xml.ts";

export interface FeedChannel {
  title: string;
  description: string;
  /** Absolute: the page the feed is about. */
  link: string;
  /** Absolute: the feed's own address. */
  self: string;
  /** Stable id of the feed (Atom). */
  id: string;
  updated: string;
  /** Where paths in entries are resolved. */
  origin: string;
}

/** RSS 2.0, with an atom:link to itself as validators ask; HTML content escaped inside <description>. */
export function renderRss(channel: FeedChannel, entries: FeedEntry[]): string {
  const items = entries.map(
    (entry) => `    <item>
      <title>${escapeXml(entry.title)}</title>
      <link>${escapeXml(channel.origin + entry.path)}</link>
      <guid>${escapeXml(entry.guid)}</guid>
      <category>${escapeXml(entry.category)}</category>
      <pubDate>${new Date(entry.published).toUTCString()}</pubDate>
      <description>${escapeXml(entry.html)}</description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeXml(channel.title)}</title>
    <link>${escapeXml(channel.link)}</link>
    <description>${escapeXml(channel.description)}</description>
    <language>en</language>
    <lastBuildDate>${new Date(channel.updated).toUTCString()}</lastBuildDate>
    <atom:link href="${escapeXml(channel.self)}" rel="self" type="application/rss+xml"/>
${items.join("\n")}
  </channel>
</rss>
`;
}
