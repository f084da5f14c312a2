#pragma once
/// @file
/// Losses of classifiers and regressors, and L2 regularisation, over the tensor operations.
///
/// The data losses are the tensor layer's (re-exported here): cross_entropy (softmax),
/// hinge_loss (the multiclass SVM of the linear classifier notes), multi_margin_loss (PyTorch's
/// SVM loss, hinge / C), mse_loss. This file adds the regulariser and a way to name a loss.

#include <gradflow/nn/module.hpp>
#include <gradflow/tensor/ops.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace gradflow::nn {

using gradflow::cross_entropy;
using gradflow::hinge_loss;
using gradflow::mse_loss;
using gradflow::multi_margin_loss;

/// 0.5 * reg * sum over the tensors of sum(W²), the L2 penalty of cs231n (the 0.5 makes its
/// gradient reg * W). A 0-d tensor; 0 for reg = 0 or no tensors.
Tensor l2_regularization(const std::vector<Tensor>& weights, double reg);

/// The parameters to regularise: those whose name ends in "weight" (biases are not penalised,
/// as in the case study).
std::vector<Tensor> weights_of(const Module& module);

/// A classification loss, by name.
enum class Loss {
  cross_entropy,  // softmax cross-entropy
  hinge,          // multiclass SVM: mean over the batch of sum_{j != y} max(0, s_j - s_y + 1)
};

/// "cross_entropy" or "hinge".
std::string_view loss_name(Loss loss) noexcept;
/// The loss of scores [N, C] for labels in [0, C).
Tensor classification_loss(Loss loss, const Tensor& scores,
                           const std::vector<std::int64_t>& labels);

/// Throws Error unless scores [N, C] give each of a data set's `num_classes` classes a score
/// (C >= num_classes). Without it, a model with too few outputs fails at the first label past
/// them, with the loss's message about one position. `op` and `data` name the caller and the
/// set in the message ("train", "the training set").
void check_class_scores(const Tensor& scores, std::int64_t num_classes, std::string_view op,
                        std::string_view data);

/// How many rows of scores [N, C] have their largest score at the label (ties: first index).
std::int64_t count_correct(const Tensor& scores, const std::vector<std::int64_t>& labels);

}  // namespace gradflow::nn
