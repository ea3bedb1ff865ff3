//! Writes one table's rows into CSV parts on disk as they come: each part starts with the
//! UTF-8 byte-order mark (Excel reads Chinese right only with it) and the header, and none
//! is larger than the limit (Telegram refuses documents over 50 MB). Memory is one row and
//! the buffers, whatever the table's size.
//!
//! Each row is quoted by the `csv` crate into a small buffer first, so the part is switched
//! *before* a row that would not fit; the files are written with `std::fs` through a 64 KB
//! buffer (page-cache writes of microseconds; the slow part is reading the rows).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::{Error, Result};

const BOM: &[u8] = "\u{feff}".as_bytes();

/// A `Write` whose bytes the owner takes after each record.
#[derive(Clone, Default)]
struct Line(Arc<Mutex<Vec<u8>>>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One file written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    pub path: PathBuf,
    pub rows: u64,
    pub bytes: u64,
}

pub struct Parts {
    dir: PathBuf,
    stem: String,
    limit: u64,
    head: Vec<u8>,
    quoter: csv::Writer<Line>,
    line: Line,
    file: Option<BufWriter<File>>,
    done: Vec<Part>,
    current: Part,
}

impl Parts {
    /// Parts named `<dir>/<stem>-<n>.csv`; the first is created at once, so an empty table
    /// is still a file with its header.
    pub fn create(dir: &Path, stem: &str, header: &[String], limit: u64) -> Result<Parts> {
        let line = Line::default();
        let mut quoter = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(line.clone());
        let mut head = BOM.to_vec();
        quoter.write_record(header)?;
        quoter.flush().map_err(io)?;
        head.extend(std::mem::take(&mut *line.0.lock().unwrap_or_else(|e| e.into_inner())));
        let mut parts = Parts {
            dir: dir.to_path_buf(),
            stem: stem.to_owned(),
            limit: limit.max(head.len() as u64 + 1),
            head,
            quoter,
            line,
            file: None,
            done: Vec::new(),
            current: Part { path: PathBuf::new(), rows: 0, bytes: 0 },
        };
        parts.open()?;
        Ok(parts)
    }

    fn open(&mut self) -> Result<()> {
        let path = self.dir.join(format!("{}-{}.csv", self.stem, self.done.len() + 1));
        let mut file = BufWriter::with_capacity(64 * 1024, File::create(&path).map_err(io)?);
        file.write_all(&self.head).map_err(io)?;
        self.file = Some(file);
        self.current = Part { path, rows: 0, bytes: self.head.len() as u64 };
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush().map_err(io)?;
            self.done.push(self.current.clone());
        }
        Ok(())
    }

    pub fn write(&mut self, row: &[String]) -> Result<()> {
        self.quoter.write_record(row)?;
        self.quoter.flush().map_err(io)?;
        let bytes = std::mem::take(&mut *self.line.0.lock().unwrap_or_else(|e| e.into_inner()));
        let len = bytes.len() as u64;
        if self.current.rows > 0 && self.current.bytes + len > self.limit {
            self.close()?;
            self.open()?;
        }
        let file = self.file.as_mut().ok_or_else(|| Error::Job("export part closed".into()))?;
        file.write_all(&bytes).map_err(io)?;
        self.current.rows += 1;
        self.current.bytes += len;
        Ok(())
    }

    /// The parts, in order.
    pub fn finish(mut self) -> Result<Vec<Part>> {
        self.close()?;
        Ok(self.done)
    }
}

fn io(e: std::io::Error) -> Error {
    Error::Job(format!("writing an export: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stay_under_the_limit_and_each_starts_with_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let header = vec!["名字".to_owned(), "备注".to_owned()];
        let mut parts = Parts::create(dir.path(), "t", &header, 200).unwrap();
        for i in 0..50 {
            parts.write(&[format!("王, \"小\" {i}"), "x".repeat(10)]).unwrap();
        }
        let parts = parts.finish().unwrap();
        assert!(parts.len() > 3, "{}", parts.len());
        let mut rows = 0;
        for part in &parts {
            let bytes = std::fs::read(&part.path).unwrap();
            assert!(bytes.len() as u64 <= 200 && bytes.len() as u64 == part.bytes);
            assert!(bytes.starts_with(BOM));
            let mut reader = csv::Reader::from_reader(&bytes[BOM.len()..]);
            assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["名字", "备注"]);
            for record in reader.records() {
                assert_eq!(&record.unwrap()[0], format!("王, \"小\" {rows}"));
                rows += 1;
            }
        }
        assert_eq!(rows, 50);
    }
}
