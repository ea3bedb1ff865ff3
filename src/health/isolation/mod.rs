//! Which households are isolated. An isolation is an address's (building + unit/room),
//! so it covers everyone registered there, including whoever registers later.
//!
//! ```text
//! official → /isolate → [3号楼] → "2单元301" → [居家隔离] → [今天] → [14天] → [确认]
//! bot      → 已标记：3号楼 2单元301 居家隔离 11月29日–12月12日 (the household is told)
//! resident → /isolation → [申报居家隔离] → [居家健康监测] → [7天] → [确认]
//! official → 王芳申报：3号楼 2单元301 … [确认] [不属实]
//! official → /isolated → by building: days left, today's reports, open errands; [CSV]
//! ```
//! It ends on its date (`isolation.end`, just after midnight; the household is told) or
//! when an official lifts it.

pub mod model;
pub mod store;
