// The subset of better-sqlite3's API the benchmark uses. The package ships no types and
// @types/better-sqlite3 is not a dependency (dependencies are fixed for this repo).
declare module 'better-sqlite3' {
  interface Statement<Parameters extends unknown[], Row> {
    run(...parameters: Parameters): { changes: number }
    get(...parameters: Parameters): Row | undefined
    iterate(...parameters: Parameters): IterableIterator<Row>
    pluck(): Statement<Parameters, Row>
    raw(): Statement<Parameters, Row>
  }
  interface Database {
    pragma(source: string): unknown
    exec(source: string): Database
    prepare<Parameters extends unknown[] = unknown[], Row = unknown>(source: string): Statement<Parameters, Row>
    transaction<Argument>(body: (argument: Argument) => void): (argument: Argument) => void
    close(): void
  }
  const Database: new (filename: string) => Database
  export default Database
}
