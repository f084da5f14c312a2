// The gnuplot scripts of --plot. Data go in as inline data blocks ($name << EOD), so no data
// files are left behind; pngcairo draws when gnuplot has it, the plain png terminal otherwise.

#include "train/plots.hpp"

#include "train/gnuplot.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/nn/metrics.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

namespace gradflow::cli {

namespace {

// Class colours: saturated for the points, light for the regions (ColorBrewer's Set1 and its
// pastel counterpart), cycled for more classes.
constexpr const char* kPointColours[] = {"#d7191c", "#2c7bb6", "#1a9641",
                                         "#984ea3", "#ff7f00", "#a65628"};
constexpr const char* kRegionColours[] = {"#fbb4ae", "#b3cde3", "#ccebc5",
                                          "#decbe4", "#fed9a6", "#e5d8bd"};
constexpr std::size_t kColours = std::size(kPointColours);

constexpr int kGrid = 300;  // grid points per axis for the decision regions

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string terminal(int width, int height) {
  const std::string size = std::to_string(width) + "," + std::to_string(height);
  return "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
         "  set terminal pngcairo size " +
         size +
         " enhanced font 'Sans,11'\n"
         "} else {\n"
         "  set terminal png size " +
         size +
         " enhanced\n"
         "}\n";
}

void check_written(const std::filesystem::path& png) {
  std::error_code ec;
  if (std::filesystem::file_size(png, ec) == 0 || ec) {
    throw gradflow::Error("gnuplot did not write " + png.string());
  }
}

}  // namespace

std::filesystem::path regions_path(const std::filesystem::path& plot) {
  std::filesystem::path out = plot;
  out.replace_filename(plot.stem().string() + "-regions" + plot.extension().string());
  return out;
}

void plot_curves(const std::vector<nn::EpochMetrics>& epochs, bool has_test,
                 const std::string& title, const std::filesystem::path& png) {
  std::string s = terminal(1200, 480);
  s += "set output " + gnuplot_quote(png.string()) + "\n";
  s += "$metrics << EOD\n";  // the --metrics CSV rows
  for (const nn::EpochMetrics& m : epochs) s += nn::metrics_csv_row(m) + "\n";
  s += "EOD\n";
  s += "set datafile separator ','\n";
  s += "set datafile missing ''\n";
  s += "set grid\n";
  s += "set key top right box opaque\n";
  s += "set xlabel 'epoch'\n";
  // A handful of epochs reads best as points joined by lines; thousands as a plain line.
  const std::string style = epochs.size() <= 50 ? "linespoints pt 7 ps 0.8" : "lines";
  // Few epochs: a margin, so that the first and last points are not cut by the border.
  const double n = static_cast<double>(epochs.size());
  if (epochs.size() <= 50)
    s += "set xrange [" + num(1 - 0.05 * n - 0.2) + ":" + num(n + 0.05 * n + 0.2) + "]\n";
  else
    s += "set xrange [1:" + std::to_string(epochs.size()) + "]\n";
  if (epochs.size() <= 20) s += "set xtics 1\n";
  s += "set multiplot layout 1,2 title " + gnuplot_quote(title) + " font ',13'\n";

  s += "set title 'Loss'\nset ylabel 'loss'\n";
  s += "plot $metrics using 1:2 with " + style + " lw 2 lc rgb '#2c7bb6' title 'training'";
  if (has_test) s += ", $metrics using 1:4 with " + style + " lw 2 lc rgb '#d7191c' title 'test'";
  s += "\n";

  s += "set title 'Accuracy'\nset ylabel 'accuracy'\nset key bottom right\n";
  s += "plot $metrics using 1:3 with " + style + " lw 2 lc rgb '#2c7bb6' title 'training'";
  if (has_test) s += ", $metrics using 1:5 with " + style + " lw 2 lc rgb '#d7191c' title 'test'";
  s += "\n";
  s += "unset multiplot\nset output\n";
  run_gnuplot(s);
  check_written(png);
}

void plot_decision_regions(nn::Module& model, const data::Dataset& points, const std::string& title,
                           const std::filesystem::path& png) {
  const data::Array& in = points.inputs;
  if (in.shape.size() != 2 || in.shape[1] != 2) {
    throw gradflow::Error("decision regions need 2-d points, not samples of shape " +
                          data::shape_string(in.shape));
  }
  const std::vector<double>& xy = in.get<double>();
  double lo[2] = {xy[0], xy[1]};
  double hi[2] = {xy[0], xy[1]};
  for (std::size_t i = 0; i < xy.size(); ++i) {
    lo[i % 2] = std::min(lo[i % 2], xy[i]);
    hi[i % 2] = std::max(hi[i % 2], xy[i]);
  }
  for (int d = 0; d < 2; ++d) {
    const double margin = 0.1 * (hi[d] - lo[d]) + 1e-3;
    lo[d] -= margin;
    hi[d] += margin;
  }

  // The grid, row by row: gnuplot's `with image` wants a regular grid in this order.
  std::vector<double> grid;
  grid.reserve(2 * kGrid * kGrid);
  for (int j = 0; j < kGrid; ++j) {
    for (int i = 0; i < kGrid; ++i) {
      grid.push_back(lo[0] + (hi[0] - lo[0]) * i / (kGrid - 1));
      grid.push_back(lo[1] + (hi[1] - lo[1]) * j / (kGrid - 1));
    }
  }
  const std::vector<std::int64_t> predicted =
      nn::predict(model, data::Array({kGrid * kGrid, 2}, grid), 10000);

  const std::int64_t classes = std::max<std::int64_t>(points.num_classes, 1);
  std::string s = terminal(760, 720);
  s += "set output " + gnuplot_quote(png.string()) + "\n";
  s += "$grid << EOD\n";
  for (std::size_t k = 0; k < predicted.size(); ++k) {
    s += num(grid[2 * k]) + " " + num(grid[2 * k + 1]) + " " + std::to_string(predicted[k]) + "\n";
  }
  s += "EOD\n";
  s += "$points << EOD\n";  // one block per class (blocks are separated by two blank lines)
  for (std::int64_t c = 0; c < classes; ++c) {
    if (c > 0) s += "\n\n";
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (points.labels[i] == c) s += num(xy[2 * i]) + " " + num(xy[2 * i + 1]) + "\n";
    }
  }
  s += "EOD\n";
  s += "set palette maxcolors " + std::to_string(classes) + "\nset palette defined (";
  for (std::int64_t c = 0; c < classes; ++c) {
    s += (c ? ", " : "") + std::to_string(c) + " '" + kRegionColours[c % kColours] + "'";
  }
  s += ")\n";
  s += "set cbrange [-0.5:" + num(static_cast<double>(classes) - 0.5) + "]\nunset colorbox\n";
  s += "set title " + gnuplot_quote(title) + " font ',13'\n";
  s += "set xlabel 'x_1'\nset ylabel 'x_2'\n";
  s += "set xrange [" + num(lo[0]) + ":" + num(hi[0]) + "]\n";
  s += "set yrange [" + num(lo[1]) + ":" + num(hi[1]) + "]\n";
  s += "set size ratio -1\nset tics out\n";
  s += "set key outside bottom center horizontal box opaque\n";
  s += "plot $grid using 1:2:3 with image notitle";
  for (std::int64_t c = 0; c < classes; ++c) {
    const std::string index = std::to_string(c);
    s += ", $points index " + index + " using 1:2 with points pt 7 ps 1.0 lc rgb '" +
         kPointColours[c % kColours] + "' title 'class " + index + "'";
    s += ", $points index " + index + " using 1:2 with points pt 6 ps 1.0 lc rgb '#202020' notitle";
  }
  s += "\nset output\n";
  run_gnuplot(s);
  check_written(png);
}

}  // namespace gradflow::cli
