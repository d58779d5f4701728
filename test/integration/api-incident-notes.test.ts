import { describe, expect, it } from "vitest";
import { api } from "../helpers/workers/api.ts";

/** The incident room's API: the internal timeline (notes) and the practical guide's four roles. */
describe("incident notes, the internal timeline", { timeout: 30_000 }, () => {
  it("keeps notes oldest first, signed and audited under the caller, without moving the incident's revision", async () => {
    const declared = await api("POST", "/incidents", { body: { name: "Notes incident", message: "Looking." } });
    const id: string = declared.body.id;
    const token = await api("POST", "/tokens", { body: { name: "scribe desk", scopes: ["read", "incidents"] } });
    const first = await api("POST", `/incidents/${id}/notes`, {
      token: token.body.token,
      body: { message: "Paged the database on-call." },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ body: "Paged the database on-call.", author: "scribe desk" });
    await api("POST", `/incidents/${id}/notes`, { body: { message: "Rolled back deploy 4121." } });

    const listed = await api("GET", `/incidents/${id}/notes`, { token: token.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((note: { body: string }) => note.body)).toEqual([
      "Paged the database on-call.",
      "Rolled back deploy 4121.",
    ]);
    expect((await api("GET", `/incidents/${id}`)).body.revision).toBe(declared.body.revision);

    const [line] = (await api("GET", "/audit?limit=1")).body.data;
    expect(line).toMatchObject({ action: "incident.note", target: id });
    expect(line.after.body).toBe("Rolled back deploy 4121.");
  });

  it("lets a viewer read notes but not write them, and names the field of a bad note", async () => {
    const { body } = await api("POST", "/incidents", { body: { name: "Viewer notes", message: "Looking." } });
    const viewer = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read"] } });
    expect((await api("GET", `/incidents/${body.id}/notes`, { token: viewer.body.token })).status).toBe(200);
    const refused = await api("POST", `/incidents/${body.id}/notes`, {
      token: viewer.body.token,
      body: { message: "Should not land." },
    });
    expect(refused.status).toBe(403);
    expect((await api("GET", `/incidents/${body.id}/notes`)).body.data).toEqual([]);

    const empty = await api("POST", `/incidents/${body.id}/notes`, { body: { message: "   " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields.map((f: { path: string }) => f.path)).toContain("message");
    expect((await api("POST", "/incidents/nosuchincid/notes", { body: { message: "x" } })).status).toBe(404);
  });
});

describe("the four roles of the practical guide", { timeout: 30_000 }, () => {
  it("takes lead, communicator, scribe and investigator at declaration and changes them with an edit", async () => {
    const declared = await api("POST", "/incidents", {
      body: {
        name: "Roles incident",
        message: "Looking.",
        lead: "Ada",
        communicator: "Grace",
        scribe: "Margaret",
        investigator: "Alan",
      },
    });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      lead: "Ada",
      communicator: "Grace",
      scribe: "Margaret",
      investigator: "Alan",
    });

    const edited = await api("PATCH", `/incidents/${declared.body.id}`, {
      headers: { "if-match": declared.headers.get("etag") ?? "" },
      body: { scribe: "Katherine", investigator: null },
    });
    expect(edited.status).toBe(200);
    const read = await api("GET", `/incidents/${declared.body.id}`);
    expect(read.body).toMatchObject({ lead: "Ada", communicator: "Grace", scribe: "Katherine", investigator: null });
    const [line] = (await api("GET", "/audit?limit=1")).body.data;
    expect(line).toMatchObject({ action: "incident.edit", before: { scribe: "Margaret", investigator: "Alan" } });
    expect(line.after).toMatchObject({ scribe: "Katherine", investigator: null });
  });
});
