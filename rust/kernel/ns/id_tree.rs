// SPDX-License-Identifier: GPL-2.0

//! Namespaces ordered by id, in a red-black tree whose nodes are in the namespaces themselves.
//!
//! With `CONFIG_NSRS`, `struct ns_common` carries the namespace's 64-bit id (`ns_id`) and a
//! node (`ns_tree_node`) that only this tree uses: entering a namespace allocates nothing, and
//! leaving frees nothing, which keeps `unshare()` and the freeing of a namespace cheap.
//!
//! C header: [`include/linux/rbtree.h`](srctree/include/linux/rbtree.h)

use super::NsCommon;
use crate::bindings;
use core::{cmp::Ordering, mem::offset_of, ptr::NonNull};

/// A set of namespaces, ordered by id, each id at most once.
///
/// The tree does not count references: whoever enters a namespace keeps its memory valid until
/// removing it, and whoever finds one must take a reference (or use it no further) before the
/// lock that guards the tree is released.
///
/// # Invariants
///
/// Every node reachable from `root` is the `ns_tree_node` of a namespace whose memory is valid,
/// whose `ns_id` does not change while it is in the tree, and which is in no other tree.
pub struct IdTree {
    root: bindings::rb_root,
}

// SAFETY: The tree only holds pointers to namespaces, which are not tied to a thread; it is
// moved between threads only as a whole, by its owner, who guards it with a lock.
unsafe impl Send for IdTree {}

impl Default for IdTree {
    fn default() -> Self {
        Self::new()
    }
}

impl IdTree {
    /// An empty tree.
    pub const fn new() -> Self {
        Self {
            root: bindings::rb_root {
                rb_node: core::ptr::null_mut(),
            },
        }
    }

    /// Enters `ns`, ordered by its id; false, and nothing done, if a namespace with that id is
    /// in the tree already.
    ///
    /// # Safety
    ///
    /// `ns` must point to a namespace whose id is set and does not change while it is in the
    /// tree, which is in no tree, and whose memory stays valid until [`IdTree::remove`] takes it
    /// out of this one.
    #[inline]
    pub unsafe fn insert(&mut self, ns: NonNull<NsCommon>) -> bool {
        let node = node_of(ns);
        // SAFETY: The caller guarantees that the namespace's memory is valid.
        let id = unsafe { id_of_node(node) };
        let mut parent = core::ptr::null_mut();
        let mut link: *mut *mut bindings::rb_node = &mut self.root.rb_node;
        // SAFETY: `link` starts at the root and follows child pointers of nodes in the tree,
        // which are valid (type invariants); the tree is ours to change (`&mut self`).
        unsafe {
            while !(*link).is_null() {
                parent = *link;
                let other = id_of_node(parent);
                link = match id.cmp(&other) {
                    Ordering::Less => &mut (*parent).rb_left,
                    Ordering::Greater => &mut (*parent).rb_right,
                    Ordering::Equal => return false,
                };
            }
            bindings::rb_link_node(node, parent, link);
            bindings::rb_insert_color(node, &mut self.root);
        }
        true
    }

    /// Takes `ns` out of the tree.
    ///
    /// # Safety
    ///
    /// `ns` must be in this tree.
    #[inline]
    pub unsafe fn remove(&mut self, ns: NonNull<NsCommon>) {
        // SAFETY: The caller guarantees `ns` is in this tree, whose nodes are valid (type
        // invariants); the tree is ours to change.
        unsafe { bindings::rb_erase(node_of(ns), &mut self.root) };
    }

    /// The namespace with id `id`, if it is in the tree.
    #[inline]
    pub fn find(&self, id: u64) -> Option<NonNull<NsCommon>> {
        self.first_at(id).filter(|&ns| {
            // SAFETY: Found in the tree, so valid (type invariants).
            unsafe { id_of_node(node_of(ns)) == id }
        })
    }

    /// The namespace with the smallest id at or above `id`, if any.
    #[inline]
    pub fn first_at(&self, id: u64) -> Option<NonNull<NsCommon>> {
        let mut node = self.root.rb_node;
        let mut best = core::ptr::null_mut();
        // SAFETY: `node` follows child pointers from the root, all valid (type invariants).
        unsafe {
            while !node.is_null() {
                if id_of_node(node) >= id {
                    best = node;
                    node = (*node).rb_left;
                } else {
                    node = (*node).rb_right;
                }
            }
        }
        NonNull::new(best).map(ns_of)
    }

    /// The namespaces with ids at or above `id`, in order, with their ids.
    #[inline]
    pub fn iter_from(&self, id: u64) -> IdTreeIter<'_> {
        let mut iter = IdTreeIter {
            _tree: self,
            stack: [core::ptr::null_mut(); MAX_DEPTH],
            depth: 0,
        };
        let mut node = self.root.rb_node;
        // SAFETY: `node` follows child pointers from the root, all valid (type invariants).
        unsafe {
            while !node.is_null() {
                if id_of_node(node) >= id {
                    iter.push(node);
                    node = (*node).rb_left;
                } else {
                    node = (*node).rb_right;
                }
            }
        }
        iter
    }
}

/// How deep a red-black tree of fewer than 2^32 nodes may go: twice the log of the number of
/// nodes, at most.
const MAX_DEPTH: usize = 64;

/// An iterator over an [`IdTree`], in the order of ids: an in-order walk with a stack of the
/// nodes still to visit, which costs a few loads a step where `rb_next()` climbs back up
/// through parents.
///
/// # Invariants
///
/// `stack[..depth]` are nodes of the tree, which is borrowed and so does not change: the next
/// node is on top, and each one's right subtree has not been visited.
pub struct IdTreeIter<'a> {
    _tree: &'a IdTree,
    stack: [*mut bindings::rb_node; MAX_DEPTH],
    depth: usize,
}

impl IdTreeIter<'_> {
    /// Pushes `node`, a node of the tree. The stack cannot overflow: a tree of fewer than 2^32
    /// nodes is at most [`MAX_DEPTH`] deep, and the stack holds one node per level at most.
    #[inline]
    fn push(&mut self, node: *mut bindings::rb_node) {
        if let Some(slot) = self.stack.get_mut(self.depth) {
            *slot = node;
            self.depth += 1;
        }
    }
}

impl Iterator for IdTreeIter<'_> {
    type Item = (u64, NonNull<NsCommon>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.depth = self.depth.checked_sub(1)?;
        let node = self.stack[self.depth];
        // SAFETY: `node` and the nodes below it are nodes of the tree, which does not change
        // while borrowed (type invariants).
        unsafe {
            let mut child = (*node).rb_right;
            while !child.is_null() {
                self.push(child);
                child = (*child).rb_left;
            }
            let id = id_of_node(node);
            Some((id, ns_of(NonNull::new_unchecked(node))))
        }
    }
}

/// The node of the namespace at `ns`: only an address computation.
#[inline]
fn node_of(ns: NonNull<NsCommon>) -> *mut bindings::rb_node {
    let raw = ns.as_ptr().cast::<u8>();
    raw.wrapping_add(offset_of!(bindings::ns_common, ns_tree_node))
        .cast()
}

/// The namespace whose node is at `node`: only an address computation.
#[inline]
fn ns_of(node: NonNull<bindings::rb_node>) -> NonNull<NsCommon> {
    let raw = node
        .as_ptr()
        .cast::<u8>()
        .wrapping_sub(offset_of!(bindings::ns_common, ns_tree_node));
    // SAFETY: `node` is the `ns_tree_node` of an `ns_common`, at that offset in it: the result is
    // the address of that `ns_common`, which is not null. `NsCommon` is a transparent wrapper of
    // `ns_common`.
    unsafe { NonNull::new_unchecked(raw.cast()) }
}

/// The id of the namespace whose node is at `node`.
///
/// # Safety
///
/// `node` must be the `ns_tree_node` of a namespace whose memory is valid.
#[inline]
unsafe fn id_of_node(node: *mut bindings::rb_node) -> u64 {
    let ns = ns_of(
        // SAFETY: The caller guarantees a valid node, which is not null.
        unsafe { NonNull::new_unchecked(node) },
    );
    // SAFETY: The caller guarantees the namespace's memory is valid; its id does not change while
    // it is in a tree, or before it enters one.
    unsafe { (*NsCommon::raw_of(ns)).ns_id }
}
