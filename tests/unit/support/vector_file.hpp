// Test support: reads the two-column vector files of tests/data/vectors/ (each file's header
// describes its columns): blank lines and lines starting with '#' are skipped, every other line
// holds exactly two whitespace-separated fields. A missing file or a malformed line fails the
// test with the file and line named.
#ifndef OAUTH1_TEST_VECTOR_FILE_HPP
#define OAUTH1_TEST_VECTOR_FILE_HPP

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace oauth1_test {

struct vector_row {
    int line;
    std::string first;
    std::string second;
};

/// The rows of tests/data/vectors/<name>.
inline std::vector<vector_row> load_vector_file(const std::string& name)
{
    const std::string path = std::string(OAUTH1_TEST_DATA_DIR) + "/vectors/" + name;
    std::ifstream file(path);
    REQUIRE_MESSAGE(file.is_open(), "cannot open " << path);
    std::vector<vector_row> rows;
    std::string text;
    int line_no = 0;
    while (std::getline(file, text)) {
        ++line_no;
        if (text.empty() || text[0] == '#') continue;
        std::istringstream fields(text);
        vector_row row{line_no, {}, {}};
        std::string extra;
        fields >> row.first >> row.second;
        REQUIRE_MESSAGE(!row.second.empty(), path << ":" << line_no << ": expected two fields");
        REQUIRE_MESSAGE(!(fields >> extra), path << ":" << line_no << ": more than two fields");
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace oauth1_test

#endif // OAUTH1_TEST_VECTOR_FILE_HPP
