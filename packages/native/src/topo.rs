//! Kahn levels, one cycle, critical path: mirror of src/topo/topo.ts on node indices (the loader maps
//! names to indices and back, so strings never cross the FFI one by one).

pub struct Graph {
    pub n: usize,
    pub succ_start: Vec<u32>,
    pub succ: Vec<u32>,
    pub indeg: Vec<u32>,
}

/// Builds a CSR adjacency keeping edge order per node (as the TS `succ[a].push(b)` does).
pub fn build(n: usize, edges: &[u32]) -> Graph {
    let m = edges.len() / 2;
    let mut count = vec![0u32; n + 1];
    let mut indeg = vec![0u32; n];
    for e in 0..m {
        count[edges[2 * e] as usize + 1] += 1;
        indeg[edges[2 * e + 1] as usize] += 1;
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let mut fill = count.clone();
    let mut succ = vec![0u32; m];
    for e in 0..m {
        let a = edges[2 * e] as usize;
        succ[fill[a] as usize] = edges[2 * e + 1];
        fill[a] += 1;
    }
    Graph { n, succ_start: count, succ, indeg }
}

impl Graph {
    #[inline]
    fn out(&self, u: usize) -> &[u32] {
        &self.succ[self.succ_start[u] as usize..self.succ_start[u + 1] as usize]
    }
}

/// Levels, or None on a cycle.
pub fn levels(g: &Graph) -> Option<Vec<Vec<u32>>> {
    let mut indeg = g.indeg.clone();
    let mut out = Vec::new();
    let mut cur: Vec<u32> = (0..g.n as u32).filter(|&i| indeg[i as usize] == 0).collect();
    let mut seen = 0;
    while !cur.is_empty() {
        seen += cur.len();
        let mut next = Vec::new();
        for &u in &cur {
            for &v in g.out(u as usize) {
                indeg[v as usize] -= 1;
                if indeg[v as usize] == 0 {
                    next.push(v);
                }
            }
        }
        next.sort_unstable();
        out.push(std::mem::replace(&mut cur, next));
    }
    if seen == g.n {
        Some(out)
    } else {
        None
    }
}

/// One real cycle, same walk as findCycle in src/topo/topo.ts: backwards along the lowest-index
/// remaining predecessor from the lowest-index node Kahn could not remove, then turned forwards,
/// rotated to start at its lowest index and closed by repeating that node.
pub fn find_cycle(g: &Graph) -> Vec<u32> {
    let n = g.n;
    let mut indeg = g.indeg.clone();
    let mut queue: Vec<u32> = (0..n as u32).filter(|&i| indeg[i as usize] == 0).collect();
    let mut removed = vec![false; n];
    let mut q = 0;
    while q < queue.len() {
        let u = queue[q] as usize;
        q += 1;
        removed[u] = true;
        for &v in g.out(u) {
            indeg[v as usize] -= 1;
            if indeg[v as usize] == 0 {
                queue.push(v);
            }
        }
    }
    // pick[v] = lowest-index remaining node with an edge into v (every remaining node has one).
    let mut pick = vec![u32::MAX; n];
    for u in 0..n {
        if removed[u] {
            continue;
        }
        for &v in g.out(u) {
            if !removed[v as usize] && pick[v as usize] == u32::MAX {
                pick[v as usize] = u as u32;
            }
        }
    }
    let mut start = 0;
    while start < n && removed[start] {
        start += 1;
    }
    if start >= n {
        return Vec::new();
    }
    let mut pos = vec![usize::MAX; n];
    let mut back: Vec<u32> = Vec::new();
    let mut u = start;
    while pos[u] == usize::MAX {
        pos[u] = back.len();
        back.push(u as u32);
        u = pick[u] as usize;
    }
    let mut cyc: Vec<u32> = back[pos[u]..].to_vec();
    cyc.reverse();
    let mut low = 0;
    for i in 1..cyc.len() {
        if cyc[i] < cyc[low] {
            low = i;
        }
    }
    cyc.rotate_left(low);
    cyc.push(cyc[0]);
    cyc
}

/// (path, length) or Err(cycle).
pub fn critical_path(g: &Graph, weights: &[f64]) -> Result<(Vec<u32>, f64), Vec<u32>> {
    let lv = match levels(g) {
        Some(l) => l,
        None => return Err(find_cycle(g)),
    };
    let n = g.n;
    let mut best: Vec<f64> = weights.to_vec();
    let mut prev = vec![-1i64; n];
    for level in &lv {
        for &u in level {
            for &v in g.out(u as usize) {
                let cand = best[u as usize] + weights[v as usize];
                if cand > best[v as usize] {
                    best[v as usize] = cand;
                    prev[v as usize] = u as i64;
                }
            }
        }
    }
    let mut end: i64 = -1;
    for i in 0..n {
        if end == -1 || best[i] > best[end as usize] {
            end = i as i64;
        }
    }
    if end == -1 {
        return Ok((Vec::new(), 0.0));
    }
    let mut path = Vec::new();
    let mut u = end;
    while u != -1 {
        path.push(u as u32);
        u = prev[u as usize];
    }
    path.reverse();
    Ok((path, best[end as usize]))
}
