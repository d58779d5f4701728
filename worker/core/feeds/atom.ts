import type { FeedEntry } from "./feed-entries.ts";
import type { FeedChannel } from "./rss.ts";
import { escapeXml } from "./xml.ts";

/** Atom 1.0 (RFC 4287): every entry with a stable id, both times, and its HTML content. */
export function renderAtom(channel: FeedChannel, entries: FeedEntry[]): string {
  const items = entries.map(
    (entry) => `  <entry>
    <id>${escapeXml(entry.id)}</id>
    <title>${escapeXml(entry.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(channel.origin + entry.path)}"/>
    <category term="${escapeXml(entry.category)}"/>
    <published>${entry.published}</published>
    <updated>${entry.updated}</updated>
    <content type="html">${escapeXml(entry.html)}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${escapeXml(channel.id)}</id>
  <title>${escapeXml(channel.title)}</title>
  <subtitle>${escapeXml(channel.description)}</subtitle>
  <link rel="alternate" type="text/html" href="${escapeXml(channel.link)}"/>
  <link rel="self" type="application/atom+xml" href="${escapeXml(channel.self)}"/>
  <updated>${channel.updated}</updated>
  <author><name>${escapeXml(channel.title)}</name></author>
${items.join("\n")}
</feed>
`;
}
