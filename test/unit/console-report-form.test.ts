import { describe, expect, it } from "vitest";
import { nameReportProblems, readReportForm, reportBody } from "../../worker/console/report-form.ts";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe("the report form's follow-up rows, without script", () => {
  it("drops a row whose title is blank, and reads blank owner and link as none", () => {
    const values = readReportForm(
      form({
        summary: "s",
        "followUp-0-title": "Canary deploys",
        "followUp-0-owner": " Ada ",
        "followUp-0-url": "",
        "followUp-0-done": "on",
        "followUp-1-title": "  ",
        "followUp-1-owner": "Grace",
        "followUp-2-title": "Alert on 5xx",
        "followUp-2-url": "https://tracker.example/2",
      }),
    );
    expect(reportBody(values).followUps).toEqual([
      { title: "Canary deploys", owner: "Ada", url: null, done: true },
      { title: "Alert on 5xx", owner: null, url: "https://tracker.example/2", done: false },
    ]);
  });

  it("names a problem by the row's legend as shown again, and a part by its heading", () => {
    expect(nameReportProblems([{ path: "followUps.1.url", message: "must be an http(s) URL" }])).toEqual([
      { path: "Action 2, tracker link", message: "must be an http(s) URL" },
    ]);
    expect(nameReportProblems([{ path: "prevention", message: "too long" }])).toEqual([
      { path: "What we are doing to make sure it does not happen again", message: "too long" },
    ]);
  });

  it("reads no more rows than the form can offer", () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 500; i++) fields[`followUp-${i}-title`] = `t${i}`;
    expect(readReportForm(form(fields)).followUps).toHaveLength(60);
  });
});
