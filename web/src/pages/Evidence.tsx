// Records on file, each list shown to the roles that may read it: licences with their write-down
// (a licence's depletion, as trade-compliance suites show it), qualified labs, lab certificates,
// and §232 duty entries with duty owed and paid.
import type { Api, GetAnswer, Session } from "../api/client.ts";
import { Badge, Card, Show, useLoad } from "../components/ui.tsx";
import { dollars, percentOf, units } from "../lib/format.ts";

type Licences = GetAnswer<"/v1/licences">;
type Labs = GetAnswer<"/v1/labs">;
type Certificates = GetAnswer<"/v1/certificates">;
type DutyEntries = GetAnswer<"/v1/duty-entries">;

const more = (cursor: string | null) => (cursor ? <p class="muted">First 200 shown.</p> : null);

function LicencesCard({ api }: { api: Api }) {
  const loaded = useLoad(() => api.get<Licences>("/v1/licences?limit=200"), [api]);
  return (
    <Card title="Licences and their depletion" wide>
      <Show loaded={loaded}>
        {(page) => (
          <>
            <table class="list" aria-label="licences">
              <thead>
                <tr>
                  <th scope="col">Licence</th>
                  <th scope="col">Order</th>
                  <th scope="col" class="num">
                    Units used / granted
                  </th>
                  <th scope="col" class="num">
                    Value used / granted
                  </th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((l) => {
                  const used = percentOf(BigInt(l.usedUnits), BigInt(l.grantedUnits));
                  return (
                    <tr key={l.id}>
                      <td>{l.id}</td>
                      <td>{l.orderId}</td>
                      <td class="num">
                        {units(l.usedUnits)} / {units(l.grantedUnits)} {used !== null && `(${used} %)`}
                      </td>
                      <td class="num">
                        {dollars(l.usedValueCents)} / {dollars(l.grantedValueCents)}
                      </td>
                      <td>{l.expiresOn}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {more(page.nextCursor)}
          </>
        )}
      </Show>
    </Card>
  );
}

function LabsCard({ api }: { api: Api }) {
  const labs = useLoad(() => api.get<Labs>("/v1/labs?limit=200"), [api]);
  const certificates = useLoad(() => api.get<Certificates>("/v1/certificates?limit=200"), [api]);
  return (
    <>
      <Card title="Qualified labs">
        <Show loaded={labs}>
          {(page) => (
            <ul>
              {page.items.map((lab) => (
                <li key={lab.id}>
                  {lab.name} ({lab.id}, {lab.headquartersCountry}) qualified {lab.qualifiedFrom} →{" "}
                  {lab.qualifiedTo ?? "open"}{" "}
                  {lab.revokedOn ? (
                    <Badge value="fail" label={`revoked ${lab.revokedOn}`} />
                  ) : (
                    <Badge value="active" />
                  )}
                </li>
              ))}
            </ul>
          )}
        </Show>
      </Card>
      <Card title="Lab certificates">
        <Show loaded={certificates}>
          {(page) =>
            page.items.length === 0 ? (
              <p class="muted">No certificates on file.</p>
            ) : (
              <ul>
                {page.items.map((c) => (
                  <li key={c.id}>
                    {c.shipmentId}: tested {c.testedOn} by {c.labId}{" "}
                    <Badge value={c.status === "ok" ? "pass" : "fail"} label={c.status} />
                  </li>
                ))}
              </ul>
            )
          }
        </Show>
      </Card>
    </>
  );
}

function DutyCard({ api }: { api: Api }) {
  const loaded = useLoad(() => api.get<DutyEntries>("/v1/duty-entries?limit=200"), [api]);
  return (
    <Card title="§232 duty entries" wide>
      <Show loaded={loaded}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No entries recorded by customs.</p>
          ) : (
            <table class="list" aria-label="duty entries">
              <thead>
                <tr>
                  <th scope="col">Entry</th>
                  <th scope="col">Shipment</th>
                  <th scope="col">Entered</th>
                  <th scope="col" class="num">
                    Entered value
                  </th>
                  <th scope="col" class="num">
                    Duty owed
                  </th>
                  <th scope="col" class="num">
                    Paid
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.id}>
                    <td>{d.id}</td>
                    <td>{d.shipmentId}</td>
                    <td>{d.enteredOn}</td>
                    <td class="num">{dollars(d.enteredValueCents)}</td>
                    <td class="num">{dollars(d.dutyOwedCents)}</td>
                    <td class="num">{dollars(d.dutyPaidCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </Card>
  );
}

export function Evidence({ api, session }: { api: Api; session: Session }) {
  const can = (action: string) => (session.actions as readonly string[]).includes(action);
  return (
    <div class="grid">
      {can("licences.read") && <LicencesCard api={api} />}
      {can("certificates.read") && <LabsCard api={api} />}
      {can("duty.read") && <DutyCard api={api} />}
    </div>
  );
}
