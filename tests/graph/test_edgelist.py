"""Edge-list files: formats, labels, weights, and malformed lines named by file and line."""
import networkx as nx
import numpy as np
import pytest

from simulation.graph import build_graph, read_edgelist


def write(tmp_path, name, text, newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def arcs(g):
    lab = g.labels.tolist()
    return sorted((lab[t], lab[h]) for t, h in zip(g.tails.tolist(), g.indices.tolist()))


def weights(g):
    lab = g.labels.tolist()
    return {(lab[t], lab[h]): w for t, h, w in zip(g.tails.tolist(), g.indices.tolist(), g.edge_attr("weight"))}


def test_whitespace_file_with_comments_blanks_and_int_labels(tmp_path):
    f = write(tmp_path, "edges.txt", "# friends\n\n10 3\n3   7 # trailing note\n\t7\t10\n   \n")
    g = read_edgelist(f)
    assert g.labels.dtype == np.int64 and g.labels.tolist() == [10, 3, 7]  # order of first appearance
    assert not g.directed and g.n_edges == 3 and g.edge_attrs == {}
    assert arcs(g) == sorted([(10, 3), (3, 10), (3, 7), (7, 3), (7, 10), (10, 7)])


def test_csv_with_header_weights_and_string_labels(tmp_path):
    f = write(tmp_path, "edges.csv", "Source,Target,Weight\nana, bo ,0.5\nbo,cy,2e-1\n")
    g = read_edgelist(f)
    assert g.labels.tolist() == ["ana", "bo", "cy"]
    assert weights(g) == {("ana", "bo"): 0.5, ("bo", "ana"): 0.5, ("bo", "cy"): 0.2, ("cy", "bo"): 0.2}


def test_tsv_and_crlf_line_endings(tmp_path):
    f = write(tmp_path, "edges.tsv", "source\ttarget\na b\tc d\nc d\te\n", newline="\r\n")
    g = read_edgelist(f)
    assert g.labels.tolist() == ["a b", "c d", "e"] and g.n_edges == 2


def test_labels_are_strings_unless_all_are_integers(tmp_path):
    g = read_edgelist(write(tmp_path, "mixed.txt", "1 2\n2 x\n"))
    assert g.labels.dtype == object and g.labels.tolist() == ["1", "2", "x"]
    g = read_edgelist(write(tmp_path, "neg.txt", "-1 +2\n2 3\n"))
    assert g.labels.tolist() == [-1, 2, 3]


def test_directed_flag(tmp_path):
    f = write(tmp_path, "d.csv", "a,b\nb,a\nb,c\n")
    assert read_edgelist(f, directed=True).m == 3
    assert arcs(read_edgelist(f, directed=True)) == [("a", "b"), ("b", "a"), ("b", "c")]
    with pytest.warns(UserWarning, match="dropped 0 self-loops and 1 duplicate edge"):
        assert read_edgelist(f).m == 4


def test_self_loops_and_duplicates_warned_with_file_name(tmp_path):
    f = write(tmp_path, "dup.csv", "a,a\na,b\nb,a\nb,b\nc,c\na,b\nb,c\n")
    with pytest.warns(UserWarning, match=r"dup\.csv: dropped 3 self-loops and 2 duplicate edges"):
        g = read_edgelist(f)
    assert g.n == 3 and g.n_edges == 2  # c keeps its place though its self-loop is gone


def test_same_graph_as_networkx_reader(tmp_path):
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, 300, size=(2000, 2))
    w = rng.random(2000)
    text = "".join(f"n{a} n{b} {float(x)!r}\n" for (a, b), x in zip(pairs, w))
    f = write(tmp_path, "big.txt", text)
    G = nx.read_edgelist(f, data=[("weight", float)], create_using=nx.DiGraph)
    with pytest.warns(UserWarning):
        g = read_edgelist(f, directed=True)
    assert g.labels.tolist() == list(G.nodes)
    # NetworkX keeps the last weight of a repeated arc, we keep the first: compare the rest
    assert sorted(arcs(g)) == sorted((a, b) for a, b in G.edges if a != b)
    listed = [(f"n{a}", f"n{b}") for a, b in pairs]
    once = {arc for arc in listed if listed.count(arc) == 1 and arc[0] != arc[1]}
    ours = weights(g)
    assert len(once) > 1900 and all(ours[arc] == G.edges[arc]["weight"] for arc in once)


@pytest.mark.parametrize(
    "text, message",
    [
        ("a,b\nb,c\n# ok\n\nx\n", r"bad\.csv:5: expected 2 or 3 fields \(source target \[weight\]\), got 1"),
        ("a,b,1,2\n", r"bad\.csv:1: expected 2 or 3 fields \(source target \[weight\]\), got 4"),
        ("a,b\n,c\n", r"bad\.csv:2: field 1 is empty"),
        ("a,b,1\nb,c,\n", r"bad\.csv:2: field 3 is empty"),
        ("a,b,1\nb,c\n", r"bad\.csv:2: expected 3 fields like line 1, got 2"),
        ("source,target,weight\na,b,1\nb,c,abc\nc,d,2\n", r"bad\.csv:3: weight 'abc' is not a number"),
        ("a,b,1\n" * 100 + "b,c,1,5\n", r"bad\.csv:101: expected 2 or 3 fields \(source target \[weight\]\), got 4"),
        ("a,b,1\n" * 1000 + "b,c,x1\n", r"bad\.csv:1001: weight 'x1' is not a number"),
        ("a,b,nan\n", r"bad\.csv:1: weight 'nan' is not a finite number"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, text, message):
    f = write(tmp_path, "bad.csv", text)
    with pytest.raises(ValueError, match=message):
        read_edgelist(f)
    with pytest.raises(ValueError, match=message):
        build_graph(str(f))


def test_whitespace_file_field_count_error(tmp_path):
    f = write(tmp_path, "edges.txt", "1 2\n2 3 0.5 9\n")
    with pytest.raises(ValueError, match=r"edges\.txt:2: expected 2 or 3 fields \(source target \[weight\]\), got 4"):
        read_edgelist(f)


@pytest.mark.parametrize("text", ["", "# only a comment\n\n", "source,target\n"])
def test_file_without_edges_is_an_empty_graph_error(tmp_path, text):
    with pytest.raises(ValueError, match=r"empty\.csv: graph is empty"):
        read_edgelist(write(tmp_path, "empty.csv", text))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_edgelist(tmp_path / "nope.csv")


def test_delimiter_override(tmp_path):
    g = read_edgelist(write(tmp_path, "edges.dat", "a;b;2\nb;c;3\n"), delimiter=";")
    assert weights(g)[("b", "c")] == 3.0
    with pytest.raises(ValueError, match="delimiter must be one ASCII character"):
        read_edgelist(tmp_path / "edges.dat", delimiter=";;")


def test_double_quoted_csv_fields(tmp_path):
    f = write(tmp_path, "r.csv", '"source","target","weight"\n"a","b",1.5\n"b", "c" ,"2"\n')
    g = read_edgelist(f)
    assert g.labels.tolist() == ["a", "b", "c"] and weights(g)[("c", "b")] == 2.0
    with pytest.raises(ValueError, match=r"r2\.csv:1: field 2 is empty"):
        read_edgelist(write(tmp_path, "r2.csv", 'a,""\n'))


def test_utf8_byte_order_mark_before_header(tmp_path):
    f = tmp_path / "excel.csv"
    f.write_bytes(b"\xef\xbb\xbfsource,target\n\xc3\xa9mile,zo\xc3\xa9\n")
    g = read_edgelist(f)
    assert g.labels.tolist() == ["émile", "zoé"]


@pytest.mark.parametrize("head", ["source,target", "from,to", "FROM,TO", "src,dst", "u,v", "from,to,weight"])
def test_recognised_headers_are_skipped_and_labels_stay_ints(tmp_path, head):
    body = "1,2,0.5\n2,3,1.5\n" if head.endswith("weight") else "1,2\n2,3\n"
    g = read_edgelist(write(tmp_path, "h.csv", f"{head}\n{body}"))
    assert g.labels.tolist() == [1, 2, 3] and g.n == 3


def test_declared_header_and_bom(tmp_path):
    f = write(tmp_path, "d.csv", "person,friend\n1,2\n2,3\n")
    with pytest.raises(ValueError, match=r"d\.csv:1: 'person,friend' looks like a header"):
        read_edgelist(f)
    assert read_edgelist(f, header=True).labels.tolist() == [1, 2, 3]
    assert read_edgelist(f, header=False).labels.tolist() == ["person", "friend", "1", "2", "3"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfsource,target\n1,2\n")
    assert read_edgelist(bom).labels.tolist() == [1, 2]
