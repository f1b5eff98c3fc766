// Reads tests/data/scipy_oracles.txt (made by scipy_oracles.py beside it).
#ifndef EC2BENCH_TESTS_STATS_ORACLE_HPP
#define EC2BENCH_TESTS_STATS_ORACLE_HPP

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace oracle {

inline std::vector<std::vector<std::string>> lines_starting(const std::string& tag) {
    std::ifstream in(EC2BENCH_TEST_DATA_DIR "/scipy_oracles.txt");
    std::vector<std::vector<std::string>> out;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::vector<std::string> tok;
        std::string t;
        while (ls >> t)
            tok.push_back(t);
        if (!tok.empty() && tok[0] == tag) out.push_back(tok);
    }
    return out;
}

}  // namespace oracle

#endif
