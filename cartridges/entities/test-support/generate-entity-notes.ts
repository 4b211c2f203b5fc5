import { type GeneratedCommit, SeededRandom } from '../../conformance/index.js'

const PEOPLE = ['Dana Whitfield', 'Lee Park', 'Alice Moreau', 'Omar Haddad', 'Priya Raman']
const ORGANIZATIONS = ['Acme Corp', 'ACME Corp.', 'Acme', 'Initech', 'Globex Corporation', 'Globex', 'Hooli']
const PLACES = ['New York City', 'NYC', 'Oslo', 'Berlin']
const TEMPLATES = [
  (random: SeededRandom) => `${random.pick(PEOPLE)} works at ${random.pick(ORGANIZATIONS)}.`,
  (random: SeededRandom) => `${random.pick(PEOPLE)} met ${random.pick(PEOPLE)} in ${random.pick(PLACES)} on March 3rd.`,
  (random: SeededRandom) => `${random.pick(ORGANIZATIONS)} acquired ${random.pick(ORGANIZATIONS)} last year.`,
  (random: SeededRandom) => `${random.pick(PEOPLE)} reports to ${random.pick(PEOPLE)}.`,
  (random: SeededRandom) => `The ${random.pick(PLACES)} office of ${random.pick(ORGANIZATIONS)} approved OPS-${random.integer(100, 999)}.`,
]

/**
 * Seeded notes under `notes/` naming a small cast of people, organisations and places in
 * several spellings (so resolution merges them), with updates, deletes, records outside
 * the prefix and now and then an entity directive.
 */
export function generateEntityNotes({ seed, count }: { readonly seed: number; readonly count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 3); op > 0; op--) {
      const key = `notes/${random.integer(0, 30)}`
      const roll = random.next()
      if (roll < 0.1) ops.push({ type: 'delete', key })
      else if (roll < 0.15) ops.push({ type: 'put', key, value: { title: 'nothing here', body: 7 } })
      else ops.push({ type: 'put', key, value: { title: random.pick(TEMPLATES)(random), body: `${random.pick(TEMPLATES)(random)} ${random.pick(TEMPLATES)(random)}` } })
    }
    if (random.next() < 0.1) ops.push({ type: 'put', key: `other/${index}`, value: { title: 'Zed Zimmerman works at Umbrella Corp.' } })
    if (random.next() < 0.06) ops.push({ type: 'put', key: `entity-directives/unmerge/${index}`, value: { op: 'unmerge', entityId: 'organization:acme corp', name: 'Acme' } })
    if (random.next() < 0.04) ops.push({ type: 'put', key: `entity-directives/merge/${index}`, value: { op: 'merge', from: 'organization:hooli', into: 'organization:initech' } })
    if (random.next() < 0.03) ops.push({ type: 'put', key: `entity-directives/unmerge-all/${index}`, value: { op: 'unmerge', entityId: 'organization:initech', fromEntityId: 'organization:hooli' } })
    commits.push({ ops })
  }
  return commits
}
