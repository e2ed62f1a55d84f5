/**
 * What the fuzz tests share: their budget, and generators of hostile input shaped like what the API sends, so that
 * most cases get past the first check and reach the deeper code (schemas, the assessment, the renderers).
 *
 * The test command runs each property a bounded number of times with the fixed seed of vitest.setup.ts; `pnpm fuzz`
 * sets `FUZZ_SCALE` to run them many times more, with fresh seeds.
 */
import * as fc from "fast-check"

const scale = Number(process.env.FUZZ_SCALE ?? 1)

/** How many runs a property gets: `base` in the test command, `base × FUZZ_SCALE` under `pnpm fuzz`. */
export const runs = (base: number): number => Math.max(1, Math.round(base * (Number.isFinite(scale) ? scale : 1)))

/** Text that has broken renderers and parsers elsewhere: markup, separators, controls, odd Unicode, length. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "null\n",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "| a | b |\n|---|",
    "`code` ```fence```",
    "---\nkey: value\n...",
    "&amp; &lt; &#0;",
    "\u0000\u0007\u001b[31mred\u001b[0m",
    "\u202Eevil\u202C",
    "\uD800",
    "\uDFFF\uD800",
    "line\r\nbreak",
    "yes",
    "1.3.24",
    "1e999",
    "-0",
    "NaN",
    "2024-05-01T10:00:00Z",
    "2024-05-01 18:00:00",
    "9999-99-99T99:99:99Z",
    "x".repeat(20_000),
    // Quotes of every shape, which a repairing parser may take for delimiters.
    "“",
    "”",
    "“quoted”",
    "‘single’",
    "it's",
    '5" disk',
    "`tick`",
    '","',
    '":"'
  )
)

/** Numbers at the edges: huge, tiny, negative, fractional, past 2^53, and their string forms. */
const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  fc.constantFrom("12", "1e3", "-5", "0x10", "1_000", "Infinity", "")
)

/** Anything JSON can hold, hostile text and numbers included. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileText,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileText, tie("value"), { maxKeys: 4 })
  )
})).value

/** A field that is usually what the API sends and sometimes anything at all. */
const usually = <A>(typical: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: typical }, { weight: 1, arbitrary: anyJson })

const time = usually(
  fc.oneof(
    fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom("2024-05-01 18:00:00", "2024-05-01T10:00:00", "null", ""),
    hostileText
  )
)

const stepStatus = usually(
  fc.oneof(
    fc.constantFrom("Success", "Succeeded", "Failed", "Running", "Pending", "NotStarted", "Cancelled", "Timeout"),
    hostileText
  )
)

const step = usually(fc.record({ Status: stepStatus, StartTime: time, StopTime: time }, { requiredKeys: [] }))

const count = usually(hostileNumber)

/** A `Details` document as an object: the documented shape, with any part drifting or hostile. */
export const detailsObject: fc.Arbitrary<unknown> = fc.record(
  {
    UpgradePhase: usually(fc.oneof(fc.constantFrom("Upgrade", "Prepare"), hostileText)),
    StatusCode: usually(fc.oneof(fc.constantFrom("LeaderRestartFailed", "Success", "null"), hostileText)),
    FlightingReport: usually(
      fc.record(
        {
          SQLResultStat: usually(
            fc.record(
              { TotalExecuted: count, Exceptions: count, Incorrect: count, Slow: count, DQLSpeedup: count },
              { requiredKeys: [] }
            )
          ),
          SegmentFormatStat: usually(
            fc.array(usually(fc.record({ Database: hostileText, TableUsingSegmentCount: count })), { maxLength: 3 })
          ),
          EstimatedUpgradeTime: usually(fc.dictionary(hostileText, count, { maxKeys: 4 })),
          ReadPermissionCheckStat: usually(
            fc.array(
              usually(fc.record({ db: hostileText, user: hostileText, schema: hostileText, table: hostileText })),
              {
                maxLength: 3
              }
            )
          )
        },
        { requiredKeys: [] }
      )
    ),
    UpgradingSteps: usually(
      fc.record({ Stop: step, Backup: step, DoUpgrade: step, Rollback: step }, { requiredKeys: [] })
    ),
    Instances: usually(
      fc.record(
        {
          LeaderInstanceId: usually(hostileText),
          LeaderInstanceName: usually(hostileText),
          LeaderInstanceStatus: usually(fc.oneof(fc.constantFrom("Running", "Unavailable"), hostileText)),
          FollowerInstances: usually(
            fc.array(usually(fc.record({ InstanceId: hostileText, InstanceName: hostileText, Status: hostileText })), {
              maxLength: 3
            })
          )
        },
        { requiredKeys: [] }
      )
    )
  },
  { requiredKeys: [] }
)

/** `Details` as it may arrive: a JSON string (valid, cut, with commas dropped), an object, or anything else. */
export const detailsValue: fc.Arbitrary<unknown> = fc.oneof(
  detailsObject.map((details) =>
    JSON.stringify(details, (_key, value) => (typeof value === "bigint" ? `${value}` : value))
  ),
  fc.tuple(detailsObject, fc.nat()).map(([details, cut]) => {
    const text = JSON.stringify(details, (_key, value) => (typeof value === "bigint" ? `${value}` : value))
    return text.slice(0, cut % (text.length + 1))
  }),
  detailsObject.map((details) =>
    JSON.stringify(details, (_key, value) => (typeof value === "bigint" ? `${value}` : value)).replaceAll(",", " ")
  ),
  detailsObject,
  anyJson
)

/** One upgrade record, usually as documented. */
export const upgradeRecord: fc.Arbitrary<unknown> = fc.record(
  {
    FromVersion: usually(hostileText),
    ToVersion: usually(hostileText),
    Status: usually(fc.oneof(fc.constantFrom("preparing", "upgrading", "archived", "pre_check"), hostileText)),
    Details: detailsValue,
    PrepareFinishTime: time
  },
  { requiredKeys: [] }
)

/** A whole answer, usually shaped like `GetUpgradeStatus`'s, as a value (bigints are exact integers). */
export const answerValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        RequestId: usually(hostileText),
        Data: usually(fc.oneof(fc.array(upgradeRecord, { maxLength: 3 }), upgradeRecord)),
        Success: usually(fc.constantFrom(true, false, "true", "false")),
        ErrorCode: usually(hostileText),
        ErrorMessage: usually(hostileText),
        HttpStatusCode: usually(fc.constantFrom("200", 200, "404", 500))
      },
      { requiredKeys: [] }
    )
  },
  { weight: 1, arbitrary: anyJson }
)
