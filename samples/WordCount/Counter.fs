namespace WordCount

open System

/// The request: `{"text":"…"}`. CLIMutable gives the record the parameterless constructor and setters JSON binding uses.
[<CLIMutable>]
type CountRequest = { Text: string }

type WordTally = { Word: string; Count: int }

type CountResult = { Words: int; Distinct: int; Top: WordTally array }

/// The entry point: `WordCount.Counter::handle` (an F# module compiles to a static class).
module Counter =
    let private separators = [| ' '; '\t'; '\r'; '\n'; ','; '.'; ';'; ':'; '!'; '?'; '"'; '('; ')' |]

    let handle (request: CountRequest) : CountResult =
        let words =
            (if isNull request.Text then "" else request.Text).Split(separators, StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun w -> w.ToLowerInvariant())
        let tallies =
            words
            |> Array.countBy id
            |> Array.sortBy (fun (word, count) -> -count, word)
        { Words = words.Length
          Distinct = tallies.Length
          Top = tallies |> Array.truncate 3 |> Array.map (fun (word, count) -> { Word = word; Count = count }) }
