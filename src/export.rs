//! Tables for Excel: CSV with a UTF-8 byte-order mark, CRLF line ends and RFC 4180 quoting
//! (a name may hold a comma, a quote or a line break). Excel reads a CSV without the mark
//! in the local ANSI code page, so Chinese names would show as mojibake.

use crate::Result;

/// The whole table as bytes: `header`, then each row.
pub fn csv<H, R, F>(header: H, rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>>
where
    H: IntoIterator<Item = F>,
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let bom = "\u{feff}".as_bytes().to_vec();
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(bom);
    out.write_record(header)?;
    for row in rows {
        out.write_record(row)?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()).into())
}
