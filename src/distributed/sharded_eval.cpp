#include "distributed/sharded_eval.h"

#include "distributed/process_group.h"

namespace dign::distributed {

std::shared_ptr<const EvalShards> eval_shards(ProcessGroup& group) {
  auto shards = std::make_shared<EvalShards>();
  shards->rank = group.rank();
  shards->size = group.size();
  ProcessGroup* g = &group;
  shards->all_gather = [g](const torch::Tensor& t) { return g->all_gather(t.contiguous()); };
  shards->all_reduce_sum = [g](torch::Tensor& t) {
    std::vector<at::Tensor> tensors{t};
    g->all_reduce_sum(tensors);
    if (!tensors[0].is_same(t)) t.copy_(tensors[0]);
  };
  return shards;
}

std::vector<int64_t> shard_positions(int64_t n, const EvalShards& shards) {
  std::vector<int64_t> positions;
  for (int64_t i = shards.rank; i < n; i += shards.size) positions.push_back(i);
  return positions;
}

std::vector<int64_t> shard_of(const std::vector<int64_t>& items, const EvalShards& shards) {
  std::vector<int64_t> mine;
  for (int64_t i : shard_positions(static_cast<int64_t>(items.size()), shards)) {
    mine.push_back(items[static_cast<size_t>(i)]);
  }
  return mine;
}

torch::Tensor gather_rows(const torch::Tensor& local, int64_t n, const EvalShards& shards) {
  const int64_t size = shards.size;
  const int64_t per_rank = (n + size - 1) / size;  // rank 0 has the most rows
  TORCH_INTERNAL_ASSERT(local.size(0) == static_cast<int64_t>(shard_positions(n, shards).size()));
  // Gloo's allgather needs equal shapes: pad every rank to per_rank rows.
  std::vector<int64_t> padded_shape = local.sizes().vec();
  padded_shape[0] = per_rank;
  torch::Tensor padded = torch::zeros(padded_shape, local.options());
  padded.slice(0, 0, local.size(0)).copy_(local);
  const std::vector<torch::Tensor> all = shards.all_gather(padded);
  TORCH_INTERNAL_ASSERT(static_cast<int64_t>(all.size()) == size);
  // Rank r's row p is the batch's row p * size + r: stack [per_rank, size, ...], flatten the
  // first two dimensions, drop the padding (it lands past row n).
  torch::Tensor rows = torch::stack(all, 1);
  std::vector<int64_t> flat_shape = local.sizes().vec();
  flat_shape[0] = per_rank * size;
  return rows.reshape(flat_shape).slice(0, 0, n);
}

metrics::AccuracyMeter sum_over_ranks(const metrics::AccuracyMeter& local,
                                      const EvalShards& shards) {
  torch::Tensor counts = torch::tensor({local.correct(), local.total()}, torch::kInt64);
  shards.all_reduce_sum(counts);
  metrics::AccuracyMeter total;
  total.add(counts[0].item<int64_t>(), counts[1].item<int64_t>());
  return total;
}

}  // namespace dign::distributed
